"""The milestone files of one work tree: finding, loading, validating and changing them."""

from __future__ import annotations

import copy
import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gitmilestone.core import clock
from gitmilestone.core.trailers import is_id
from gitmilestone.errors import InvalidFileError, MilestoneError, NotFoundError
from gitmilestone.git.repo import RepoPaths, discover
from gitmilestone.git.shortids import names
from gitmilestone.resources import schema_bytes
from gitmilestone.storage import atomic, configcache, index, tiers
from gitmilestone.storage.templates import CONFIG_FILES

if TYPE_CHECKING:
    from gitmilestone.core.model import Milestone, Settings, Task
    from gitmilestone.storage.yamledit import Document

LOCATIONS = ("active", "completed")
MAX_ID_LENGTH = 200  # longer is no file name on most file systems: never an ID of ours
TEMP_FOLDER = "tmp"  # .git/milestones/tmp: files being written, renamed into place
FILE_TIER_CACHE = "parsed.cache"  # the file tier's parsed files, by blob id (Store._read_files)
FILE_TIER_KEEP = 200  # entries: a plan under the hybrid tier's 25, and the branches' versions
T = TypeVar("T")


class Store:
    def __init__(self, paths: RepoPaths) -> None:
        self.paths = paths
        atomic.confine(
            paths.root, paths.git_dir, paths.common_dir, temp=paths.local_dir / TEMP_FOLDER
        )
        self._milestones: list[Milestone] | None = None
        self._texts: dict[str, str] = {}
        self._configs: dict[str, dict[str, Any]] = {}
        self._valid: set[str] | None = None
        # Runs just before a write becomes visible (commands.recording queues its event).
        self.before_write: Callable[[], None] | None = None

    @classmethod
    def open(cls, start: Path | None = None) -> Store:
        clock.configured()  # a bad GIT_MILESTONE_DATE stops a command before it changes a file
        return cls(discover(start))

    # -- locations -------------------------------------------------------------------------

    def require_initialized(self) -> None:
        if not (self.paths.milestones / "active").is_dir():
            raise NotFoundError(
                f"no .milestones/ in {self.paths.root}",
                "run `git milestone init` to start planning in this repository",
            )
        self.inside_repo(self.paths.milestones)

    def inside_repo(self, path: Path) -> Path:
        """`path` itself, refused when it (or a symlink on the way) leads out of the repo."""
        real = path.resolve()
        if not real.is_relative_to(self.paths.root.resolve()):
            raise InvalidFileError(
                f"leads outside the repository (to {real})",
                "replace the symlink with a regular file inside the repository",
                path=self.paths.rel(path),
            )
        return path

    def files(self) -> list[tuple[Path, str]]:
        self.require_initialized()
        out = []
        for location in LOCATIONS:
            folder = self.paths.milestones / location
            out += [
                (p, location)
                for p in sorted(folder.glob("*.yaml"), key=_name)  # names: quicker than paths
                if not p.name.startswith(".")
            ]
        return out

    # -- loading ---------------------------------------------------------------------------

    def read_text(self, path: Path) -> str:
        shown = self.paths.rel(path)
        self.inside_repo(path)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError("file not found", "check the path", path=shown) from None
        except UnicodeDecodeError:
            raise InvalidFileError("not UTF-8 text", "save the file as UTF-8", path=shown) from None
        except OSError as exc:
            raise MilestoneError(
                f"cannot read: {exc.strerror}", "check permissions", path=shown
            ) from None

    def parse(self, kind: str, text: str, shown: str) -> Any:
        """Safe-load and schema-check `text`; a file seen valid before skips the schema."""
        from gitmilestone.storage import schema  # PyYAML: only when a file is parsed

        data = schema.parse_yaml(text, shown)
        if not isinstance(data, dict):
            raise InvalidFileError(
                "expected a mapping of keys at the top of the file",
                "start the file with `schema_version: 1`",
                path=shown,
                line=1,
            )
        for where in schema.non_finite(data):  # also in files validated before this rule
            raise schema.not_finite(where, text, shown)
        digest = self._digest(kind, text)
        if digest not in self._validated():
            schema.check(kind, data, text, shown)
            self._remember(digest)
        return data

    def load(self, path: Path, location: str) -> Milestone:
        shown = self.paths.rel(path)
        text = self.read_text(path)
        data = self.parse("milestone", text, shown)
        self._texts[shown] = text
        from gitmilestone.core.model import Milestone  # the model: only where a file is read

        return Milestone.from_dict(data, path=shown, location=location)

    def milestones(self) -> list[Milestone]:
        if self._milestones is None:
            files = self.files()
            choice = self.tier(len(files))
            if choice.tier == "file":
                self._milestones = self._read_files(files)
            else:
                self._milestones = self.read_indexed(files, choice)
        return self._milestones

    def _read_files(self, files: list[tuple[Path, str]]) -> list[Milestone]:
        """The file tier: every file read on every command, its parsed and checked data kept
        by blob id in a small local cache, so an unchanged file is not parsed again and a
        read of an unchanged plan imports no YAML (as configs.cache does for config files)."""
        from gitmilestone.core.model import Milestone
        from gitmilestone.storage.blobcache import BlobCache

        cache = BlobCache(self.paths.local_dir, FILE_TIER_CACHE, FILE_TIER_KEEP)
        out = []
        for path, location in files:
            shown = self.paths.rel(path)
            raw = self.read_bytes(path, shown)
            blob = index.blob_id(raw)
            data = cache.get(blob)
            if data is None:
                data = self.parse_bytes(raw, shown)
                cache.put(blob, data)
            out.append(Milestone.from_dict(data, path=shown, location=location))
        cache.save()
        return out

    def counted(self) -> tuple[list[Milestone], list[str]]:
        """The milestones to count in a view: one that is in both active/ and completed/
        (after a merge) counts once, as completed, with a warning. (`validate` reports
        duplicate IDs; `fix-ids` renumbers them.)"""
        everything = self.milestones()
        kept, problems = counted_once([(m.id, m.location, m.path) for m in everything])
        return [everything[i] for i in kept], problems

    def tier(self, count: int | None = None) -> tiers.Choice:
        """The storage tier that reads the plan, and why (see storage/tiers.py)."""
        if count is None:
            count = len(self.files())
        return tiers.choose(self.paths.local_dir, count, self.config("storage-config"))

    def open_index(self) -> index.Index:
        return tiers.open_index(self.paths.local_dir, schema_bytes("milestone"))

    def read_indexed(self, files: list[tuple[Path, str]], choice: tiers.Choice) -> list[Milestone]:
        """The plan through the index: only files not seen before are parsed and checked.
        An index found damaged half way is dropped and the read done again, once."""
        try:
            return self._indexed(files, choice)
        except sqlite3.DatabaseError as exc:
            tiers.notice(f"{index.NAME} is unreadable ({exc}): rebuilding it")
            try:
                tiers.drop_index(self.paths.local_dir)
                return self._indexed(files, choice)
            except (OSError, sqlite3.Error) as again:
                return self._unindexed(files, again)
        except OSError as exc:
            return self._unindexed(files, exc)

    def _unindexed(self, files: list[tuple[Path, str]], why: Exception) -> list[Milestone]:
        """The index cannot be used at all (e.g. a read-only .git): read the files."""
        tiers.notice(f"{index.NAME} cannot be used ({why}): reading the files directly")
        return [self.load(p, loc) for p, loc in files]

    def _indexed(self, files: list[tuple[Path, str]], choice: tiers.Choice) -> list[Milestone]:
        started = time.perf_counter()
        idx = self.open_index()
        try:
            shown = [(p, self.paths.rel(p)) for p, _ in files]
            kept = idx.load(shown, self.read_bytes, self.parse_bytes, _lazy_milestone)
            tiers.note_read(idx, choice, self.paths.local_dir, started)
        finally:
            idx.close()
        for m, (_, rel), (_, loc) in zip(kept, shown, files, strict=True):
            # Fresh objects from the index, seen by no one yet: where the file lies is set here
            # because the same content (one blob) may lie in several places.
            object.__setattr__(m, "path", rel)
            object.__setattr__(m, "location", loc)
        return list(kept)

    def read_bytes(self, path: Path, shown: str) -> bytes:
        self.inside_repo(path)
        try:
            return path.read_bytes()
        except OSError:
            return self.read_text(path).encode("utf-8")  # the error read_text reports

    def parse_bytes(self, data: bytes, shown: str) -> dict[str, Any]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidFileError("not UTF-8 text", "save the file as UTF-8", path=shown) from None
        parsed: dict[str, Any] = self.parse("milestone", text, shown)
        return parsed

    def text_of(self, m: Milestone) -> str:
        return self._texts.get(m.path) or self.read_text(self.paths.root / m.path)

    def config(self, kind: str = "milestone-config") -> dict[str, Any]:
        """A config file merged over the defaults its template shows."""
        if kind not in self._configs:
            path = self.paths.milestones / CONFIG_FILES[kind][0]
            text = self.read_text(path) if path.exists() else None
            self._configs[kind] = configcache.kept(
                self.paths.local_dir,
                kind,
                text,
                CONFIG_FILES[kind][1],
                lambda: self.config_from(kind, text, self.paths.rel(path)),
            )
        return self._configs[kind]

    def config_from(self, kind: str, text: str | None, shown: str) -> dict[str, Any]:
        """A config file's text (None: no file) merged over the defaults, checked by the same
        schema: for a config read from a blob at some revision."""
        rel, template = CONFIG_FILES[kind]
        data = self.parse(kind, text, shown) if text is not None else {}
        return _merge(_defaults(kind, template, rel), data)

    def settings(self) -> Settings:
        return settings_of(self.config())

    # -- lookup ----------------------------------------------------------------------------

    def resolve(self, ref: str) -> Milestone:
        """An exact ID, or a prefix that names exactly one milestone (`M-001` for M-001-k7q2)."""
        direct = self._by_file_name(ref)
        if direct is not None:
            return direct
        found = _pick(ref, self.milestones(), lambda m: m.id)
        if found is None:
            raise NotFoundError(
                f"unknown milestone '{ref}'", _suggest(ref, [m.id for m in self.milestones()])
            )
        return found

    def _by_file_name(self, ref: str) -> Milestone | None:
        """The milestone in `<ref>.yaml` when its ID is exactly `ref`: read alone, so a broken
        file elsewhere in the plan does not stop work on this one."""
        if self._milestones is not None or not is_id(ref) or len(ref) > MAX_ID_LENGTH:
            return None  # not a file name an ID could have: look it up among the milestones
        self.require_initialized()
        for location in LOCATIONS:
            path = self.paths.milestones / location / f"{ref}.yaml"
            if path.is_file():
                m = self.load(path, location)
                return m if m.id == ref else None
        return None

    def resolve_task(self, ref: str, milestone: str | None = None) -> tuple[Milestone, Task]:
        """`M-001/task-002`, or a task ID that is unique across milestones."""
        if "/" in ref:
            milestone, ref = ref.split("/", 1)
        pool = [self.resolve(milestone)] if milestone else self.milestones()
        pairs = [(m, t) for m in pool for t in m.tasks]
        _refuse_ambiguous(ref, [f"{m.id}/{t.id}" for m, t in pairs if t.id == ref])
        found = _pick(ref, pairs, lambda pair: pair[1].id)
        if found is None:
            where = f" in {pool[0].id}" if milestone else ""
            ids = [f"{m.id}/{t.id}" for m, t in pairs]
            raise NotFoundError(f"unknown task '{ref}'{where}", _suggest(ref, ids, "task list"))
        return found

    # -- changing --------------------------------------------------------------------------

    def edit(
        self,
        m: Milestone,
        change: Callable[[Document], None],
        check: Callable[[Milestone], None] | None = None,
    ) -> str:
        """Apply `change` to the file's YAML in place, check the result (and hand the changed
        milestone to `check`, which raises to refuse it), write it atomically. Returns the new
        text; on any error the file is left exactly as it was. When another writer changed the
        file since this command read it, `change` is applied to the text that writer left: the
        file is locked while it is read, changed and written."""
        path = self.paths.root / m.path
        atomic.check_writable(path, m.path)
        with atomic.locked(path, m.path):
            old = self.read_text(path)
            new = self._changed(m, change, old, check)
            if new != old:
                atomic.replace(path, new, before=self.before_write)
        self._texts[m.path] = new
        self._milestones = None
        return new

    def _changed(
        self,
        m: Milestone,
        change: Callable[[Document], None],
        old: str,
        check: Callable[[Milestone], None] | None = None,
    ) -> str:
        from gitmilestone.storage.yamledit import Document

        doc = Document(old)
        try:
            change(doc)
        except MilestoneError as err:
            err.path = err.path or m.path  # a bad key path: say which file it was meant for
            raise
        new = doc.dump()
        data = self.parse("milestone", new, m.path)
        if str(data["id"]) != m.id:
            raise MilestoneError(
                f"the id changed from {m.id} to {data['id']}",
                "IDs are stable: keep the id; `git milestone fix-ids` renumbers duplicates",
                path=m.path,
                field="id",
            )
        if check is not None:
            from gitmilestone.core.model import Milestone

            check(Milestone.from_dict(data, path=m.path, location=m.location))
        return new

    def write_new(self, path: Path, text: str) -> None:
        shown = self.paths.rel(path)
        self.inside_repo(path.parent)
        self.parse("milestone", text, shown)
        atomic.create_text(path, text, shown, before=self.before_write)
        self._milestones = None

    def reload(self) -> None:
        """Forget the milestones read so far: the next read sees the files as they are now
        (after a file was moved by hand, e.g. archived)."""
        self._milestones = None

    # -- the validation cache (.git/milestones/validated) -----------------------------------

    def _digest(self, kind: str, text: str) -> str:
        h = hashlib.sha1(schema_bytes(kind))
        h.update(text.encode("utf-8"))
        return h.hexdigest()

    def _validated(self) -> set[str]:
        if self._valid is None:
            try:
                self._valid = set((self.paths.local_dir / "validated").read_text().split())
            except OSError:
                self._valid = set()
        return self._valid

    def _remember(self, digest: str) -> None:
        self._validated().add(digest)
        try:
            self.paths.local_dir.mkdir(parents=True, exist_ok=True)
            with open(self.paths.local_dir / "validated", "a", encoding="ascii") as fh:
                fh.write(digest + "\n")
        except OSError:
            pass  # only a cache: the next run validates again


def settings_of(config: dict[str, Any]) -> Settings:
    from gitmilestone.core.model import Settings

    """What the rules need from a milestone-config (merged over its defaults)."""
    phases = config.get("phases") or {}
    return Settings(
        phases_enabled=bool(phases.get("enabled", True)), phase_weights=phases["weights"]
    )


def _lazy_milestone(data: dict[str, Any], raw: Mapping[str, Any]) -> Milestone:
    from gitmilestone.core.model import Milestone

    m = Milestone.from_dict(data, path="", location="active")
    object.__setattr__(m, "raw", raw)  # the full mapping is read from the index on demand
    return m


_DEFAULTS: dict[str, Any] = {}


def _defaults(kind: str, template: str, rel: str) -> Any:
    """The defaults a config template shows, parsed once per process (a copy each time: the
    merged config shares its nested parts with them)."""
    if kind not in _DEFAULTS:
        from gitmilestone.storage import schema

        _DEFAULTS[kind] = schema.parse_yaml(template, rel)
    return copy.deepcopy(_DEFAULTS[kind])


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _pick(ref: str, items: Iterable[T], key: Callable[[T], str]) -> T | None:
    items = list(items)
    exact = [i for i in items if key(i) == ref]
    if exact:
        return exact[0]
    prefixed = [i for i in items if names(ref, key(i))]  # the rule trailers follow too
    return prefixed[0] if len(prefixed) == 1 else None


def _refuse_ambiguous(ref: str, exact: list[str]) -> None:
    """A task ID in several places must not silently pick the first one."""
    if len(exact) < 2:
        return
    hint = (
        "run `git milestone fix-ids` to renumber the duplicate"
        if len(set(exact)) < len(exact)
        else f"name the milestone too, e.g. {exact[0]}"
    )
    raise MilestoneError(f"task '{ref}' is ambiguous: {', '.join(exact)}", hint)


def _suggest(ref: str, ids: list[str], command: str = "list") -> str:
    import difflib  # only for an unknown ID

    close = difflib.get_close_matches(ref, ids, n=3, cutoff=0.5)
    prefixed = [i for i in ids if i.startswith(ref)]
    if len(prefixed) > 1:
        return f"'{ref}' matches several: {', '.join(prefixed[:5])}; write more of the ID"
    if close:
        return f"did you mean {', '.join(close)}? `git milestone {command}` shows every ID"
    return f"`git milestone {command}` shows every ID"


def _name(path: Path) -> str:
    return path.name


def counted_once(entries: list[tuple[str, str, str]]) -> tuple[list[int], list[str]]:
    """Of (id, location, path) entries, the positions to count: an ID in completed/ hides the
    same ID elsewhere, with a warning each."""
    done = {mid: path for mid, location, path in entries if location == "completed"}
    kept, problems = [], []
    for i, (mid, location, path) in enumerate(entries):
        if location != "completed" and mid in done:
            problems.append(
                f"{path}: milestone {mid} is also in {done[mid]}; only that "
                "one is counted (delete one of the two)"
            )
            continue
        kept.append(i)
    return kept, problems
