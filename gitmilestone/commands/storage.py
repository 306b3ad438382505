"""`storage status|migrate|rollback|verify|rebuild`: the tier that reads the plan, its index,
and the migrations between tiers, each backed up, logged and reversible.

A migration changes how the plan is read, never the plan: the YAML files stay the truth. It
takes a backup (.git/milestones/backups/migration-YYYYMMDD-HHMMSS-FROM-to-TO/: the index and
the pin as they were), then pins the tier (or unpins, for the automatic choice), then fills
the index in one transaction and checks it against a fresh parse of every file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gitmilestone.errors import MilestoneError
from gitmilestone.storage import atomic, index, journal, tiers
from gitmilestone.storage.store import Store

BACKUPS = "backups"


@dataclass(frozen=True)
class Verified:
    tier: str
    files: int
    mismatched: list[str]  # paths whose indexed data differed from a fresh parse (repaired)
    missing: list[str]  # paths the index did not hold yet (added)
    pruned: int  # index entries of files no longer in the plan (dropped)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def status(store: Store) -> dict[str, Any]:
    """The tier, why, what the index holds and how often reads were served from it."""
    local = store.paths.local_dir
    files = store.files()
    choice = store.tier(len(files))
    db = local / index.NAME
    out: dict[str, Any] = {
        "tier": choice.tier,
        "why": choice.why,
        "milestones": len(files),
        "suggested": tiers.by_scale(len(files), store.config("storage-config")).tier,
        "pinned": tiers.read_pin(local),
        "index": {"path": str(db), "bytes": _size(db), "exists": db.exists()},
        "backups": [p.name for p in backups(local)],
        **_rates(journal.tail(local, journal.PERFORMANCE)),
    }
    if db.exists():
        idx = store.open_index()
        try:
            out["index"].update(idx.counts())
            out["index"]["tasks_by_status"] = idx.task_totals()
        finally:
            idx.close()
    return out


def _size(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def _rates(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The recent plan reads' and view reads' figures, from the performance log."""
    views = [e for e in events if e.get("event") == "view_read"]
    hits = sum(e.get("hit") is True for e in views)
    return {
        "reads": _hit_rates([e for e in events if e.get("event") == "plan_read"]),
        "views": {
            "recent_reads": len(views),
            "hit_rate": round(hits / len(views), 4) if views else None,
            "last_ms": views[-1].get("ms") if views else None,
        },
    }


def _hit_rates(reads: list[dict[str, Any]]) -> dict[str, Any]:
    files = sum(int(r.get("files") or 0) for r in reads)
    cached = sum(int(r.get("cached") or 0) for r in reads)
    unread = sum(int(r.get("unread") or 0) for r in reads)
    return {
        "recent_reads": len(reads),
        "files_read": files,
        "cache_hit_rate": round(cached / files, 4) if files else None,
        "stat_hit_rate": round(unread / files, 4) if files else None,
        "last_ms": reads[-1].get("ms") if reads else None,
    }


def backups(local: Path) -> list[Path]:
    """Migration backups, oldest first."""
    folder = local / BACKUPS
    found = folder.glob("migration-*") if folder.is_dir() else []
    return sorted(p for p in found if p.is_dir())


def migrate(store: Store, to: str | None) -> dict[str, Any]:
    """Move to tier `to` (pinned in this clone), or with None to the automatic choice."""
    local = store.paths.local_dir
    before = store.tier().tier
    target = to or tiers.choose_unpinned(len(store.files()), store.config("storage-config")).tier
    backup = _backup(store, before, target)
    _set_pin(local, to)
    verified = fill(store) if target != "file" else None
    journal.log(local, journal.STORAGE, "migrated", source=before, target=target, backup=backup)
    return {
        "from": before,
        "to": target,
        "pinned": to,
        "backup": backup,
        "verify": verified.as_json() if verified else None,
    }


def _set_pin(local: Path, tier: str | None) -> None:
    pin = local / tiers.PIN_NAME
    if tier is None:
        pin.unlink(missing_ok=True)
    else:
        local.mkdir(parents=True, exist_ok=True)
        atomic.write_text(pin, tier + "\n", str(pin))


def _backup(store: Store, before: str, target: str) -> str | None:
    """Copy the index (a consistent snapshot, even while others read it) and the pin."""
    local = store.paths.local_dir
    config = store.config("storage-config")["migration"]
    if not config.get("backup", True):
        return None
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    folder = local / BACKUPS / f"migration-{stamp}-{before}-to-{target}"
    folder.mkdir(parents=True)
    db = local / index.NAME
    if db.exists():
        with sqlite3.connect(db) as src, sqlite3.connect(folder / index.NAME) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    manifest = {"from": before, "to": target, "pin": tiers.read_pin(local)}
    (folder / "manifest.json").write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    for old in backups(local)[: -max(int(config.get("keep_backups", 5)), 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return folder.name


def rollback(store: Store) -> dict[str, Any]:
    """Restore the index and the pin as the latest migration found them."""
    local = store.paths.local_dir
    found = backups(local)
    if not found:
        raise MilestoneError(
            "no migration backup to roll back to",
            "`git milestone storage migrate` takes one (unless migration.backup is false)",
        )
    folder = found[-1]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    _restore_index(local, folder / index.NAME)
    pin = manifest.get("pin")
    _set_pin(local, pin if pin in tiers.TIERS else None)
    shutil.rmtree(folder)
    journal.log(local, journal.STORAGE, "rolled_back", backup=folder.name, to=manifest.get("from"))
    return {"backup": folder.name, "to": manifest.get("from"), "pinned": pin}


def _restore_index(local: Path, saved: Path) -> None:
    db = local / index.NAME
    if not saved.exists():
        tiers.drop_index(local)
        return
    with sqlite3.connect(saved) as src, sqlite3.connect(db) as dst:
        src.backup(dst)  # one transaction on the live index: readers see old or new
    dst.close()
    src.close()


def fill(store: Store) -> Verified:
    """Read the whole plan through the index, then check it against a fresh parse."""
    store.reload()
    store.read_indexed(store.files(), store.tier())
    return verify(store)


def rebuild(store: Store) -> Verified:
    tiers.drop_index(store.paths.local_dir)
    journal.log(store.paths.local_dir, journal.STORAGE, "rebuilt")
    return fill(store)


def verify(store: Store) -> Verified:
    """Every file's indexed data against a fresh parse; differences are reported and repaired.
    The file tier has no index to check (one left by a rollback is not read)."""
    tier = store.tier().tier
    if tier == "file":
        return Verified(tier, len(store.files()), [], [], 0)
    idx = store.open_index()
    try:
        entries = idx.entries()
        files = store.files()
        mismatched, missing = [], []
        for path, _ in files:
            shown = store.paths.rel(path)
            raw = store.read_bytes(path, shown)
            fresh = store.parse_bytes(raw, shown)
            blob = index.blob_id(raw)
            kept = idx.data(blob)
            if entries.get(str(path)) is None or kept is None:
                missing.append(shown)
            elif kept != fresh or entries[str(path)] != blob:
                mismatched.append(shown)
                idx.forget([blob, entries[str(path)]])
        pruned = idx.prune({str(p) for p, _ in files})
    finally:
        idx.close()
    if mismatched or missing:
        store.reload()
        store.read_indexed(store.files(), store.tier())
    result = Verified(tier, len(files), mismatched, missing, pruned)
    journal.log(store.paths.local_dir, journal.STORAGE, "verified", **result.as_json())
    return result
