"""Config files read from their kept form give what a fresh read gives, and any change to a
file (or a damaged cache) reads the file again."""

from __future__ import annotations

from pathlib import Path

from gitmilestone.git.repo import discover
from gitmilestone.storage import configcache
from gitmilestone.storage.store import Store

CFG = ".milestones/config/milestone-config.yaml"


def read(root: Path, kind: str = "milestone-config") -> dict[str, object]:
    config: dict[str, object] = Store(discover(root)).config(kind)
    return config


def test_a_kept_config_is_the_config_and_a_change_is_seen(initialized: Path) -> None:
    first = read(initialized)
    cache = initialized / ".git/milestones" / configcache.NAME
    assert cache.exists()
    assert read(initialized) == first  # read back from the cache
    cfg = initialized / CFG
    cfg.write_text(cfg.read_text().replace("due_soon_days: 7", "due_soon_days: 3"))
    changed = read(initialized)
    assert changed["status"]["due_soon_days"] == 3  # type: ignore[index]
    cache.write_bytes(b"\x00damaged")
    assert read(initialized) == changed
    cfg.unlink()  # no file: the template's defaults
    assert read(initialized)["status"]["due_soon_days"] == 7  # type: ignore[index]
