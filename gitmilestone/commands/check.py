"""`validate` and `fix-ids`: every problem in the plan, and the one fix for duplicate IDs."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gitmilestone.core.model import Milestone, next_id, random_suffix
from gitmilestone.errors import MilestoneError
from gitmilestone.storage import atomic, schema
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import CONFIG_FILES
from gitmilestone.storage.yamledit import Document


@dataclass(frozen=True)
class Problem:
    severity: str  # error | warning
    path: str
    line: int | None
    field: str | None
    message: str
    hint: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _from_error(err: MilestoneError, code: str) -> Problem:
    return Problem("error", err.path or "", err.line, err.field, err.message, err.hint, code)


def validate(store: Store) -> list[Problem]:
    store.require_initialized()
    problems = _config_problems(store)
    loaded: list[Milestone] = []
    for path, location in store.files():
        found, m = _file_problems(store, path, location)
        problems += found
        if m is not None:
            loaded.append(m)
    problems += _id_problems(store, loaded)
    references = _reference_problems(loaded)
    problems += references
    if not problems:  # a cycle is only well defined once every ID is unique and known
        problems += _cycle_problems(loaded)
    return problems


def refuse_broken_plan(plan: list[Milestone], changed: Milestone) -> None:
    """Raise the first problem `changed` would bring into the plan: a reference to a
    milestone or task that does not exist, or a dependency cycle. Problems the plan had
    before are not this change's to fix."""
    after = [changed if m.id == changed.id else m for m in plan]
    had = {p.message for p in _reference_problems(plan)}
    mine = [p for p in _reference_problems(after) if p.message not in had]
    if not mine and not _cycle_problems(plan):
        mine = _cycle_problems(after)
    if mine:
        first = mine[0]
        raise MilestoneError(
            f"{first.message}; nothing was written", first.hint, path=first.path, field=first.field
        )


def _cycle_problems(loaded: list[Milestone]) -> list[Problem]:
    from gitmilestone.analysis.graph import build

    try:
        build(loaded)
    except MilestoneError as err:
        return [_from_error(err, "dependency-cycle")]
    return []


def _config_problems(store: Store) -> list[Problem]:
    out = []
    for kind, (rel, _) in CONFIG_FILES.items():
        path = store.paths.milestones / rel
        if path.exists():
            out += _schema_problems(store, kind, path)
    return out


def _schema_problems(store: Store, kind: str, path: Path) -> list[Problem]:
    shown = store.paths.rel(path)
    try:
        text = store.read_text(path)
        data = schema.parse_yaml(text, shown)
    except MilestoneError as err:
        return [_from_error(err, "syntax")]
    if not isinstance(data, dict):
        return [
            Problem(
                "error",
                shown,
                1,
                None,
                "expected a mapping at the top",
                "start with schema_version: 1",
                "schema",
            )
        ]
    return [_from_error(e, "schema") for e in schema.iter_file_errors(kind, data, text, shown)]


def _file_problems(
    store: Store, path: Path, location: str
) -> tuple[list[Problem], Milestone | None]:
    problems = _schema_problems(store, "milestone", path)
    if problems:
        return problems, None
    m = store.load(path, location)
    if path.stem != m.id:
        problems.append(
            Problem(
                "error",
                m.path,
                schema.line_of(store.text_of(m), ["id"]),
                "id",
                f"id '{m.id}' does not match the file name '{path.name}'",
                "run `git milestone fix-ids` to rename the file",
                "id-filename",
            )
        )
    for tid in _dups([t.id for t in m.tasks]):
        index = [t.id for t in m.tasks].index(tid, [t.id for t in m.tasks].index(tid) + 1)
        problems.append(
            Problem(
                "error",
                m.path,
                schema.line_of(store.text_of(m), ["tasks", index, "id"]),
                f"tasks[{index}].id",
                f"task id '{tid}' is used twice in {m.id}",
                "run `git milestone fix-ids` to give the later task a new ID",
                "duplicate-task-id",
            )
        )
    return problems, m


def _id_problems(store: Store, loaded: list[Milestone]) -> list[Problem]:
    out = []
    for mid in _dups([m.id for m in loaded]):
        paths = [m.path for m in loaded if m.id == mid]
        out.append(
            Problem(
                "error",
                paths[-1],
                None,
                "id",
                f"milestone id '{mid}' is used by {len(paths)} files: {', '.join(paths)}",
                "run `git milestone fix-ids` to give all but one a new ID",
                "duplicate-milestone-id",
            )
        )
    return out


def _reference_problems(loaded: list[Milestone]) -> list[Problem]:
    ids = {m.id: m for m in loaded}
    out = []
    for m in loaded:
        for req in m.requires:
            if req not in ids:
                out.append(
                    Problem(
                        "error",
                        m.path,
                        None,
                        "dependencies.requires",
                        f"requires unknown milestone '{req}'",
                        "fix the ID or remove it (`git milestone list` shows IDs)",
                        "unknown-dependency",
                    )
                )
        for t in m.tasks:
            for dep in t.dependencies:
                owner, _, tid = dep.rpartition("/")
                target = ids.get(owner) if owner else m
                if target is None or target.task(tid) is None:
                    out.append(
                        Problem(
                            "error",
                            m.path,
                            None,
                            f"tasks.{t.id}.dependencies",
                            f"task {t.id} depends on unknown task '{dep}'",
                            "fix the ID (`git milestone task list` shows IDs)",
                            "unknown-dependency",
                        )
                    )
    return out


def _dups(ids: list[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


@dataclass(frozen=True)
class Renamed:
    path: str
    old: str
    new: str
    what: str  # milestone | task | file


def fix_ids(store: Store, dry_run: bool = False) -> list[Renamed]:
    """Give every duplicate milestone or task ID but the first a fresh one, and make file names
    match IDs. Everything else in the files stays as it was."""
    changes: list[Renamed] = []
    ms = store.milestones()
    taken = {m.id for m in ms} | {Path(m.path).stem for m in ms}
    for m in ms:
        changes += _fix_tasks(store, m, dry_run)
    seen: set[str] = set()
    for m in ms:
        new_id = m.id
        if m.id in seen:
            new_id = _fresh_milestone_id(store, taken)
            taken.add(new_id)
            changes.append(Renamed(m.path, m.id, new_id, "milestone"))
        seen.add(new_id)
        if Path(m.path).stem != new_id:
            changes += _rename_file(store, m, new_id, dry_run)
    return changes


def _fresh_milestone_id(store: Store, taken: set[str]) -> str:
    ids = store.config()["ids"]
    return next_id(
        ids["milestone_prefix"], ids["digits"], taken, random_suffix(ids["suffix_length"])
    )


def _fix_tasks(store: Store, m: Milestone, dry_run: bool) -> list[Renamed]:
    ids = store.config()["ids"]
    seen: set[str] = set()
    renames: list[tuple[int, str, str]] = []
    taken = [t.id for t in m.tasks]
    for index, t in enumerate(m.tasks):
        if t.id in seen:
            fresh = next_id(
                ids["task_prefix"], ids["digits"], taken, random_suffix(ids["suffix_length"])
            )
            taken.append(fresh)
            renames.append((index, t.id, fresh))
        seen.add(t.id)
    if renames and not dry_run:

        def change(doc: Document) -> None:
            for index, _, new in renames:
                doc.set(["tasks", index, "id"], new)

        store.edit(m, change)
    return [Renamed(m.path, old, new, "task") for _, old, new in renames]


def _rename_file(store: Store, m: Milestone, new_id: str, dry_run: bool) -> list[Renamed]:
    src = store.paths.root / m.path
    dst = src.with_name(f"{new_id}.yaml")
    if dry_run:
        return [Renamed(m.path, src.name, dst.name, "file")]
    doc = Document(store.read_text(src))
    doc.set(["id"], new_id)
    text = doc.dump()
    store.parse("milestone", text, store.paths.rel(dst))
    atomic.move(src, dst, text, m.path, store.paths.rel(dst))
    return [Renamed(m.path, src.name, dst.name, "file")]
