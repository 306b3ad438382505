"""Which storage tier reads the plan, and why.

file: every milestone file is parsed on every read (small plans: start-up wins).
hybrid: parsed, validated files are kept in the SQLite index (.git/milestones/index.db).
database: the hybrid index, plus whole-plan figures answered by SQL queries on it.

The YAML files are the truth in every tier. The tier is, in order: the one `storage migrate
--to` pinned in this clone (.git/milestones/storage-backend), the `backend` of
storage-config.yaml when it is not `auto`, else the one the number of milestones calls for
(thresholds.hybrid, thresholds.database).
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from gitmilestone import __version__
from gitmilestone.storage import index, journal

TIERS = ("file", "hybrid", "database")
PIN_NAME = "storage-backend"


class Choice(NamedTuple):
    tier: str
    why: str


def by_scale(count: int, config: Mapping[str, Any]) -> Choice:
    limits = config.get("thresholds") or {}
    hybrid, database = int(limits.get("hybrid", 25)), int(limits.get("database", 100))
    if count >= database:
        return Choice("database", f"{count} milestones >= thresholds.database ({database})")
    if count >= hybrid:
        return Choice("hybrid", f"{count} milestones >= thresholds.hybrid ({hybrid})")
    return Choice("file", f"{count} milestones < thresholds.hybrid ({hybrid})")


def choose(local_dir: Path, count: int, config: Mapping[str, Any]) -> Choice:
    pinned = read_pin(local_dir)
    if pinned is not None:
        return Choice(pinned, f"pinned in this clone by `storage migrate --to {pinned}`")
    return choose_unpinned(count, config)


def choose_unpinned(count: int, config: Mapping[str, Any]) -> Choice:
    backend = str(config.get("backend") or "auto")
    if backend in TIERS:
        return Choice(backend, f"backend: {backend} in storage-config.yaml")
    return by_scale(count, config)


def read_pin(local_dir: Path) -> str | None:
    try:
        value = (local_dir / PIN_NAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return value if value in TIERS else None


def fingerprint(schema: bytes) -> str:
    """What the index's data was checked with: a new schema or release rebuilds it."""
    return hashlib.sha1(schema + f"\0{__version__}\0{index.VERSION}".encode()).hexdigest()


def notice(line: str) -> None:
    print(f"git-milestone: {line}", file=sys.stderr)


def note_read(idx: index.Index, choice: Choice, local_dir: Path, started: float) -> None:
    """Log the read's cache figures, and a scale event when the tier in use changed."""
    journal.log(
        local_dir,
        journal.PERFORMANCE,
        "plan_read",
        tier=choice.tier,
        files=idx.hits + idx.misses,
        unread=idx.stat_hits,
        cached=idx.hits,
        parsed=idx.misses,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    if idx.meta("tier") != choice.tier:
        journal.log(local_dir, journal.SCALE, "tier_changed", to=choice.tier, why=choice.why)
        idx.set_meta("tier", choice.tier)


def drop_index(local_dir: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (local_dir / (index.NAME + suffix)).unlink(missing_ok=True)


def open_index(local_dir: Path, schema: bytes) -> index.Index:
    return index.Index(local_dir / index.NAME, fingerprint(schema), notice)
