"""`storage`: the tier that reads the plan (file, hybrid, database), its index, migrations."""

from __future__ import annotations

from typing import Any

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

TIER = click.Choice(["file", "hybrid", "database"])


@click.group("storage")
def storage_grp() -> None:
    """How the plan is read: every file parsed each time (file, under 25 milestones), through
    a local SQLite index of parsed files (hybrid, from 25), or with whole-plan figures from
    SQL (database, from 100). The YAML files stay the truth in every tier; the index lives in
    .git/milestones/index.db, is never committed and can be rebuilt at any time.

    \b
    Examples:
      git milestone storage status
      git milestone storage migrate --to hybrid
      git milestone storage rollback
      git milestone storage verify
    """


@storage_grp.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def status_cmd(as_json: bool) -> None:
    """The tier in use and why, the index's size and contents, and cache hit rates of the
    recent reads (from .git/milestones/logs/performance-metrics.jsonl)."""
    from gitmilestone.commands.storage import status

    data = status(workspace().store)
    if as_json:
        emit_json(data)
        return
    emit_lines(_status_lines(data))


def _status_lines(data: dict[str, Any]) -> list[str]:
    idx, reads = data["index"], data["reads"]
    lines = [f"tier: {data['tier']} ({data['why']})"]
    if data["suggested"] != data["tier"]:
        lines.append(f"the plan's size suggests: {data['suggested']}")
    if idx["exists"]:
        held = f"{idx['files']} files, {idx['tasks']} tasks"
        lines.append(f"index: {idx['path']} ({idx['bytes']} bytes, {held})")
    else:
        lines.append("index: none yet (built by the first read in the hybrid or database tier)")
    if reads["files_read"]:
        lines.append(
            f"recent reads: {reads['recent_reads']}, files served from the index"
            f" {100 * reads['cache_hit_rate']:.1f}% (unread {100 * reads['stat_hit_rate']:.1f}%),"
            f" last {reads['last_ms']} ms"
        )
    views = data["views"]
    if views["recent_reads"]:
        lines.append(
            f"views kept: {idx.get('views', 0)}, milestone cards: {idx.get('cards', 0)};"
            f" recent view reads: {views['recent_reads']},"
            f" read back {100 * views['hit_rate']:.1f}%, last {views['last_ms']} ms"
        )
    lines.append(
        f"backups: {len(data['backups'])}"
        + (f", latest {data['backups'][-1]}" if data["backups"] else "")
    )
    return lines


@storage_grp.command("migrate")
@click.option("--to", "to", type=TIER, help="Pin this tier in this clone (default: automatic).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def migrate_cmd(to: str | None, as_json: bool) -> None:
    """Move to another tier: back up the index, switch, fill the index, verify it.
    Without --to, return to the automatic choice (storage-config.yaml).

    \b
    Examples:
      git milestone storage migrate --to database
      git milestone storage migrate
    """
    from gitmilestone.commands.storage import migrate

    data = migrate(workspace().store, to)
    if as_json:
        emit_json(data)
        return
    lines = [f"migrated: {data['from']} -> {data['to']}"]
    if data["backup"]:
        lines.append(f"backup: .git/milestones/backups/{data['backup']} (`storage rollback`)")
    if data["verify"]:
        lines.append(f"verified: {data['verify']['files']} files")
    emit_lines(lines)


@storage_grp.command("rollback")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def rollback_cmd(as_json: bool) -> None:
    """Undo the latest migration: the index and the pinned tier as it found them."""
    from gitmilestone.commands.storage import rollback

    data = rollback(workspace().store)
    if as_json:
        emit_json(data)
        return
    emit_lines([f"rolled back to {data['to']} (backup {data['backup']})"])


@storage_grp.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def verify_cmd(as_json: bool) -> None:
    """Check the index against a fresh parse of every file; any difference is reported and
    repaired. Exits 1 when something had to be repaired."""
    from gitmilestone.commands.storage import verify

    _report(verify(workspace().store), as_json)


@storage_grp.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def rebuild_cmd(as_json: bool) -> None:
    """Throw the index away and build it again from the files."""
    from gitmilestone.commands.storage import rebuild

    _report(rebuild(workspace().store), as_json)


def _report(result: Any, as_json: bool) -> None:
    if as_json:
        emit_json(result.as_json())
    else:
        lines = [f"index checked: {result.files} files"]
        if result.tier == "file":
            lines = [
                f"file tier: {result.files} files are read directly, there is no index to check"
            ]
        lines += [f"  repaired: {p}" for p in result.mismatched]
        lines += [f"  added: {p}" for p in result.missing]
        if result.pruned:
            lines.append(f"  dropped {result.pruned} entries of files no longer in the plan")
        emit_lines(lines)
    if result.mismatched:
        raise SystemExit(1)
