"""storage/atomic.py and storage/store.py: safe writes, lookup, the validation cache, config."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from gitmilestone.errors import ConflictError, InvalidFileError, MilestoneError, NotFoundError
from gitmilestone.resources import schema_path
from gitmilestone.storage import atomic
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import CONFIG_FILES
from gitmilestone.storage.yamledit import dump_new

ORIGINAL = "schema_version: 1\nid: M-001\ntitle: Original\n"


def write_milestone(root: Path, mid: str, location: str = "active", **fields: Any) -> Path:
    data = {"schema_version": 1, "id": mid, "title": f"Title of {mid}", **fields}
    path = root / ".milestones" / location / f"{mid}.yaml"
    path.write_text(dump_new(data), encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "files" / "M-001.yaml"
    path.parent.mkdir()
    path.write_text(ORIGINAL)
    return path


# -- atomic writes --------------------------------------------------------------------------


def test_write_replaces_the_file_and_leaves_nothing_behind(target: Path) -> None:
    atomic.write_text(target, "new\n", "M-001.yaml")
    assert target.read_text() == "new\n"
    assert listing(target.parent) == ["M-001.yaml"]


def test_write_keeps_the_file_mode(target: Path) -> None:
    target.chmod(0o640)
    atomic.write_text(target, "new\n", "M-001.yaml")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_write_keeps_line_endings_as_given(target: Path) -> None:
    atomic.write_text(target, "a: 1\r\nb: 2\r\n", "M-001.yaml")
    assert target.read_bytes() == b"a: 1\r\nb: 2\r\n"


def test_a_lock_held_too_long_is_a_conflict_and_the_file_is_untouched(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0.2)
    lock = target.with_name("M-001.yaml.lock")
    lock.write_text(f"{os.getpid()}\n")  # a live process holds it
    with pytest.raises(ConflictError) as info:
        atomic.write_text(target, "new\n", ".milestones/active/M-001.yaml")
    assert target.read_text() == ORIGINAL
    assert lock.exists()  # another process's lock is not ours to remove
    assert "M-001.yaml.lock" in info.value.hint
    assert listing(target.parent) == ["M-001.yaml", "M-001.yaml.lock"]


def test_a_lock_whose_process_is_gone_is_taken_over(target: Path) -> None:
    lock = target.with_name("M-001.yaml.lock")
    lock.write_text(f"{2**22 + 7}\n")  # beyond pid_max: no such process
    atomic.write_text(target, "new\n", "M-001.yaml")
    assert target.read_text() == "new\n"
    assert listing(target.parent) == ["M-001.yaml"]


def test_compare_and_swap_refuses_a_file_changed_since_it_was_read(target: Path) -> None:
    with pytest.raises(ConflictError, match="changed while"):
        atomic.write_text(target, "mine\n", "M-001.yaml", expected="what I read earlier\n")
    assert target.read_text() == ORIGINAL
    assert listing(target.parent) == ["M-001.yaml"]


def test_compare_and_swap_writes_when_the_file_is_as_read(target: Path) -> None:
    atomic.write_text(target, "mine\n", "M-001.yaml", expected=ORIGINAL)
    assert target.read_text() == "mine\n"


def test_a_read_only_file_is_refused_even_for_root(target: Path) -> None:
    target.chmod(0o444)
    with pytest.raises(MilestoneError, match="read-only") as info:
        atomic.write_text(target, "new\n", "M-001.yaml")
    assert "chmod u+w M-001.yaml" in info.value.hint
    assert target.read_text() == ORIGINAL
    assert listing(target.parent) == ["M-001.yaml"]


def test_a_failed_write_removes_its_temp_file_and_lock(target: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        atomic.write_text(target, "a lone surrogate \ud800\n", "M-001.yaml")
    assert target.read_text() == ORIGINAL
    assert listing(target.parent) == ["M-001.yaml"]


def test_create_refuses_to_overwrite(target: Path) -> None:
    with pytest.raises(ConflictError, match="already exists"):
        atomic.create_text(target, "new\n", "M-001.yaml")
    assert target.read_text() == ORIGINAL
    fresh = target.with_name("M-002.yaml")
    atomic.create_text(fresh, "two\n", "M-002.yaml")
    assert fresh.read_text() == "two\n"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_move_writes_the_new_file_then_removes_the_old(target: Path, tmp_path: Path) -> None:
    dst = tmp_path / "done" / "M-001.yaml"
    dst.parent.mkdir()
    atomic.move(target, dst, "moved\n", "a", "b")
    assert not target.exists()
    assert dst.read_text() == "moved\n"


def test_move_onto_an_existing_file_keeps_both(target: Path, tmp_path: Path) -> None:
    dst = tmp_path / "M-001.yaml"
    dst.write_text("already here\n")
    with pytest.raises(ConflictError):
        atomic.move(target, dst, "moved\n", "a", "b")
    assert (target.read_text(), dst.read_text()) == (ORIGINAL, "already here\n")


# -- finding and loading files --------------------------------------------------------------


def test_an_uninitialized_repository_says_to_run_init(repo: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        Store.open(repo).milestones()
    assert "git milestone init" in info.value.hint


def test_files_lists_active_then_completed_and_skips_hidden_files(initialized: Path) -> None:
    write_milestone(initialized, "M-002")
    write_milestone(initialized, "M-001", location="completed")
    (initialized / ".milestones/active/.M-003.yaml").write_text("not: a milestone\n")
    (initialized / ".milestones/active/notes.txt").write_text("ignored\n")
    store = Store.open(initialized)
    assert [(p.name, loc) for p, loc in store.files()] == [
        ("M-002.yaml", "active"),
        ("M-001.yaml", "completed"),
    ]
    assert [m.location for m in store.milestones()] == ["active", "completed"]


def test_a_symlink_out_of_the_repository_is_refused(initialized: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(ORIGINAL)
    link = initialized / ".milestones/active/M-001.yaml"
    link.symlink_to(outside)
    with pytest.raises(InvalidFileError, match="leads outside the repository") as info:
        Store.open(initialized).milestones()
    assert info.value.path == ".milestones/active/M-001.yaml"
    assert "symlink" in info.value.hint


def test_a_symlinked_milestones_folder_out_of_the_repository_is_refused(
    repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "active").mkdir(parents=True)
    (repo / ".milestones").symlink_to(elsewhere)
    with pytest.raises(InvalidFileError, match="leads outside the repository"):
        Store.open(repo).milestones()


def test_a_symlink_inside_the_repository_is_fine(initialized: Path) -> None:
    real = initialized / "plans" / "M-001.yaml"
    real.parent.mkdir()
    real.write_text(ORIGINAL)
    (initialized / ".milestones/active/M-001.yaml").symlink_to(real)
    assert [m.title for m in Store.open(initialized).milestones()] == ["Original"]


def test_a_file_that_is_not_utf8_is_a_user_error(initialized: Path) -> None:
    (initialized / ".milestones/active/M-001.yaml").write_bytes(b"title: caf\xe9\n")
    with pytest.raises(InvalidFileError, match="not UTF-8"):
        Store.open(initialized).milestones()


def test_a_file_without_a_mapping_on_top_is_a_user_error(initialized: Path) -> None:
    (initialized / ".milestones/active/M-001.yaml").write_text("- just\n- a list\n")
    with pytest.raises(InvalidFileError, match="mapping") as info:
        Store.open(initialized).milestones()
    assert info.value.line == 1


# -- resolving IDs --------------------------------------------------------------------------


@pytest.fixture
def suffixed(initialized: Path) -> Store:
    for mid in ("M-001-k7q2", "M-002-ab12", "M-002-cd34", "M-010"):
        write_milestone(initialized, mid, tasks=[{"id": f"task-001-{mid[-2:]}", "title": "T"}])
    return Store.open(initialized)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("M-001-k7q2", "M-001-k7q2"), ("M-001", "M-001-k7q2"), ("M-010", "M-010")],
)
def test_resolve_by_exact_id_or_unique_prefix(suffixed: Store, ref: str, expected: str) -> None:
    assert suffixed.resolve(ref).id == expected


def test_resolve_refuses_an_ambiguous_prefix_and_lists_the_candidates(suffixed: Store) -> None:
    with pytest.raises(NotFoundError, match="unknown milestone 'M-002'") as info:
        suffixed.resolve("M-002")
    assert "matches several: M-002-ab12, M-002-cd34" in info.value.hint


def test_resolve_an_unknown_id_suggests_close_ones(suffixed: Store) -> None:
    with pytest.raises(NotFoundError) as info:
        suffixed.resolve("M-01O")
    assert info.value.hint.startswith("did you mean M-010")
    with pytest.raises(NotFoundError) as info:
        suffixed.resolve("nothing-like-it")
    assert info.value.hint == "`git milestone list` shows every ID"


def test_a_prefix_must_end_at_a_dash(suffixed: Store) -> None:
    with pytest.raises(NotFoundError):
        suffixed.resolve("M-00")  # not a shortened M-001-k7q2


def test_resolve_task_by_path_or_unique_id(suffixed: Store) -> None:
    m, t = suffixed.resolve_task("M-001/task-001-q2")
    assert (m.id, t.id) == ("M-001-k7q2", "task-001-q2")
    m, t = suffixed.resolve_task("task-001-10")
    assert (m.id, t.id) == ("M-010", "task-001-10")
    m, t = suffixed.resolve_task("task-001", milestone="M-010")
    assert t.id == "task-001-10"
    with pytest.raises(NotFoundError, match="unknown task 'task-404' in M-010") as info:
        suffixed.resolve_task("M-010/task-404")
    assert "task list" in info.value.hint


# -- the validation cache -------------------------------------------------------------------


def digest(text: str, kind: str = "milestone") -> str:
    h = hashlib.sha1(schema_path(kind).read_bytes())
    h.update(text.encode("utf-8"))
    return h.hexdigest()


def cache_lines(root: Path) -> list[str]:
    cache = root / ".git" / "milestones" / "validated"
    return cache.read_text().split() if cache.exists() else []


def test_a_valid_file_is_remembered_once(initialized: Path) -> None:
    path = write_milestone(initialized, "M-001")
    Store.open(initialized).milestones()
    first = cache_lines(initialized)
    assert digest(path.read_text()) in first
    Store.open(initialized).milestones()
    assert cache_lines(initialized) == first  # the second run found it and wrote nothing


def test_a_remembered_file_skips_the_schema_check(initialized: Path) -> None:
    path = initialized / ".milestones/active/M-001.yaml"
    invalid = "schema_version: 1\nid: M-001\ntitle: T\npriority: urgent\n"
    path.write_text(invalid)
    with pytest.raises(InvalidFileError, match="urgent"):
        Store.open(initialized).milestones()
    assert digest(invalid) not in cache_lines(initialized)
    # Pretend an earlier run had validated this exact text: jsonschema is not consulted again.
    cache = initialized / ".git/milestones/validated"
    with cache.open("a") as fh:
        fh.write(digest(invalid) + "\n")
    [m] = Store.open(initialized).milestones()
    assert m.priority == "urgent"


def test_a_changed_file_is_checked_again(initialized: Path) -> None:
    path = write_milestone(initialized, "M-001")
    Store.open(initialized).milestones()
    path.write_text(path.read_text().replace("Title of M-001", "Renamed"))
    Store.open(initialized).milestones()
    assert digest(path.read_text()) in cache_lines(initialized)
    path.write_text(path.read_text() + "priority: urgent\n")
    with pytest.raises(InvalidFileError, match="urgent"):
        Store.open(initialized).milestones()


def test_an_unwritable_cache_is_only_slower(initialized: Path) -> None:
    write_milestone(initialized, "M-001")
    local = initialized / ".git" / "milestones"
    local.mkdir(exist_ok=True)
    (local / "validated").mkdir()  # a directory where the cache file should be
    assert [m.id for m in Store.open(initialized).milestones()] == ["M-001"]


# -- editing --------------------------------------------------------------------------------


def test_edit_writes_the_change_and_refuses_an_invalid_result(initialized: Path) -> None:
    path = write_milestone(initialized, "M-001")
    store = Store.open(initialized)
    [m] = store.milestones()
    store.edit(m, lambda doc: doc.set(["priority"], "high"))
    assert "priority: high" in path.read_text()
    before = path.read_text()
    [m] = store.milestones()
    with pytest.raises(InvalidFileError, match="urgent") as info:
        store.edit(m, lambda doc: doc.set(["priority"], "urgent"))
    assert (info.value.field, info.value.path) == ("priority", ".milestones/active/M-001.yaml")
    with pytest.raises(MilestoneError, match="id changed"):
        store.edit(m, lambda doc: doc.set(["id"], "M-002"))
    assert path.read_text() == before
    assert listing(path.parent) == [".gitkeep", "M-001.yaml"]


def test_edit_of_a_read_only_file_changes_nothing(initialized: Path) -> None:
    path = write_milestone(initialized, "M-001")
    path.chmod(0o444)
    store = Store.open(initialized)
    [m] = store.milestones()
    with pytest.raises(MilestoneError, match="read-only"):
        store.edit(m, lambda doc: doc.set(["priority"], "high"))
    assert "priority" not in path.read_text()


def test_edit_reapplies_the_change_when_another_writer_changed_the_file(
    initialized: Path,
) -> None:
    path = write_milestone(initialized, "M-001")
    store = Store.open(initialized)
    [m] = store.milestones()
    path.write_text(path.read_text() + "description: written meanwhile\n")
    store.edit(m, lambda doc: doc.set(["priority"], "high"))
    text = path.read_text()
    assert "description: written meanwhile\n" in text and "priority: high" in text


# -- config ---------------------------------------------------------------------------------


def test_config_merges_the_file_over_the_template_defaults(initialized: Path) -> None:
    cfg = initialized / ".milestones" / CONFIG_FILES["milestone-config"][0]
    cfg.write_text("schema_version: 1\nids:\n  digits: 4\nphases:\n  weights:\n    design: 50\n")
    store = Store.open(initialized)
    config = store.config()
    assert config["ids"] == {
        "milestone_prefix": "M",
        "task_prefix": "task",
        "digits": 4,
        "suffix_length": 4,
    }
    assert config["branch_pattern"] == "milestone/{milestone}/{task}"
    settings = store.settings()
    assert settings.phases_enabled is True
    assert settings.phase_weights == {"design": 50, "spec": 25, "task": 20, "execute": 40}


def test_a_missing_config_file_means_the_defaults(initialized: Path) -> None:
    (initialized / ".milestones" / CONFIG_FILES["ui-config"][0]).unlink()
    assert Store.open(initialized).config("ui-config")["thresholds"] == {
        "rich": {"milestones": 25, "tasks": 250},
        "dashboard": {"milestones": 100, "tasks": 1000},
    }


def test_a_config_value_of_the_wrong_shape_names_its_field(initialized: Path) -> None:
    cfg = initialized / ".milestones" / CONFIG_FILES["milestone-config"][0]
    cfg.write_text("schema_version: 1\nphases:\n  enabled: maybe\n")
    with pytest.raises(InvalidFileError) as info:
        Store.open(initialized).config()
    assert (info.value.field, info.value.line) == ("phases.enabled", 3)


def test_phases_can_be_switched_off(initialized: Path) -> None:
    cfg = initialized / ".milestones" / CONFIG_FILES["milestone-config"][0]
    cfg.write_text("schema_version: 1\nphases:\n  enabled: false\n")
    assert Store.open(initialized).settings().phases_enabled is False


def test_os_replace_is_atomic_on_this_platform(target: Path) -> None:
    # The one visible change is a rename: the inode under the name changes, never the content
    # of the old one (a reader holding the old file keeps reading the old text).
    with target.open() as reader:
        atomic.write_text(target, "new\n", "M-001.yaml")
        assert reader.read() == ORIGINAL
    assert os.stat(target).st_size == len("new\n")


def test_a_file_being_written_is_never_beside_the_plan(target: Path, tmp_path: Path) -> None:
    temp = tmp_path / "git-tmp"
    atomic.confine(tmp_path, temp=temp)
    seen: list[list[str]] = []

    atomic.write_text(
        target, "new\n", "M-001.yaml", before=lambda: seen.append(listing(target.parent))
    )

    assert seen == [["M-001.yaml", "M-001.yaml.lock"]]  # the new text waits in git-tmp
    assert listing(temp) == [] and target.read_text() == "new\n"


# -- the file tier's parsed files ------------------------------------------------------------

READ_TWICE = """
import sys
from gitmilestone.storage.store import Store
[m] = Store.open().milestones()
print(m.title, "yaml" in sys.modules)
"""


def test_an_unchanged_file_is_read_back_without_yaml(initialized: Path) -> None:
    """The file tier reads every file on every command, and keeps what it parsed by blob id:
    an unchanged plan is read without PyYAML, an edited file is parsed (and checked) again."""
    import subprocess
    import sys

    path = write_milestone(initialized, "M-001")

    def read() -> str:
        run = [sys.executable, "-c", READ_TWICE]
        return subprocess.run(run, cwd=initialized, capture_output=True, text=True).stdout

    assert read() == "Title of M-001 True\n"
    assert read() == "Title of M-001 False\n"
    path.write_text(path.read_text().replace("Title of M-001", "Renamed"))
    assert read() == "Renamed True\n"
    path.write_text(path.read_text().replace("title: Renamed", "title: [not, text]"))
    with pytest.raises(InvalidFileError, match="title"):
        Store.open(initialized).milestones()
