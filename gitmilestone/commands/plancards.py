"""Each milestone's card (dashboard.card), kept in the index, so that after one file changes
a whole-plan view computes one card and reads the others back.

A view kept whole (viewmemo) is computed afresh when any input changes: after one file is
edited and committed, that meant loading every milestone and solving the whole network again.
A card follows from one milestone's file (its blob id, where it lies), the facts about that
milestone on this branch and the config files, and is kept under a key naming them all. What
follows from the day (days left, overdue, dates) is worked out when a view is assembled, so a
card holds across days.

A card also keeps its milestone's own network solved alone (analysis/twolevel.py), so after
an edit that moves dates the critical path is solved over the milestones' network, not the
tasks'. The critical path is kept under the digest of every milestone's network inputs
(graph.network_inputs) with the config and the day, so an edit that moves no date (a title, a
description, a comment) reads it back.

The file tier keeps no cards (small plans are quicker to read directly): `deck` is None there.
"""

from __future__ import annotations

import hashlib
import marshal
import sqlite3
from typing import TYPE_CHECKING, Any

from gitmilestone.commands import viewmemo
from gitmilestone.core import clock
from gitmilestone.storage.store import counted_once
from gitmilestone.workspace import Workspace

if TYPE_CHECKING:
    from gitmilestone.analysis.calendar import WorkCalendar
    from gitmilestone.core.model import Milestone
    from gitmilestone.storage.index import Index

Card = dict[str, Any]
FORMAT = 4  # of a card as kept: a card of another shape is never read back


def deck(ws: Workspace) -> list[Card] | None:
    """The card of every milestone to count, in plan order; None where nothing is kept."""
    return ws.memo("cards", lambda: _deck(ws))


def _deck(ws: Workspace) -> list[Card] | None:
    named = viewmemo.plan_files(ws)
    if named is None:
        return None
    files, blobs = named
    try:
        idx = ws.store.open_index()
        try:
            return _cards(ws, files, blobs, idx)
        finally:
            idx.close()
    except (sqlite3.Error, OSError):
        return None  # computed from the plan, as in the file tier


def _cards(ws: Workspace, files: viewmemo.Files, blobs: list[str], idx: Index) -> list[Card]:
    ids = idx.milestone_ids()
    loaded = _load(ws, [i for i, b in enumerate(blobs) if b not in ids], files)
    ids.update((blobs[i], m.id) for i, m in loaded.items())
    folder = ws.paths.rel(ws.paths.milestones)  # files lie in folder/location: no path maths
    where = [
        (ids[b], loc, f"{folder}/{loc}/{p.name}") for b, (p, loc) in zip(blobs, files, strict=True)
    ]
    kept, problems = counted_once(where)
    for problem in problems:  # as Workspace.plan reports them, before the history's
        ws.warn(problem)
    by_milestone = _facts_by_milestone(ws)
    base = f"{FORMAT}\0{viewmemo.config_digest(ws)}"  # not the day: cards hold across days
    keys = {i: _key(base, blobs[i], where[i], by_milestone.get(where[i][0], ())) for i in kept}
    found = idx.cards(list(keys.values()))
    missing = [i for i in kept if keys[i] not in found]
    made = _made(ws, {**loaded, **_load(ws, [i for i in missing if i not in loaded], files)})
    new = [(keys[i], packed) for i in missing if (packed := _packed(made[i])) is not None]
    if new:
        idx.keep_cards(new, len(kept))
    return [made[i] if i in made else marshal.loads(found[keys[i]]) for i in kept]


def _packed(card: Card) -> bytes | None:
    """A card as kept, its rarely read part packed apart; None if marshal cannot write it
    (then it is computed each time)."""
    try:
        packed = {name: marshal.dumps(value) for name, value in card["more"].items()}
        return marshal.dumps({**card, "more": packed})
    except ValueError:
        return None


def _load(ws: Workspace, wanted: list[int], files: viewmemo.Files) -> dict[int, Milestone]:
    """The milestones of these files (by position), through the index: a file whose bytes
    were parsed before is read back, the others parsed and checked."""
    if not wanted:
        return {}
    store = ws.store
    read = store.read_indexed([files[i] for i in wanted], store.tier(len(files)))
    return dict(zip(wanted, read, strict=True))


def _made(ws: Workspace, loaded: dict[int, Milestone]) -> dict[int, Card]:
    from gitmilestone.analysis import twolevel
    from gitmilestone.analysis.risk import Thresholds
    from gitmilestone.commands.dashboard import calendar, card, read
    from gitmilestone.core.events import overlay

    if not loaded:
        return {}
    src = read(ws, clock.today(), [])
    thresholds, (cal, buffer) = Thresholds.from_config(src.config), calendar(src)
    made = {}
    for i, m in zip(loaded, overlay(list(loaded.values()), ws.facts), strict=True):
        made[i] = card(m, src, thresholds)
        solved = twolevel.part(m, cal, src.settings, buffer)  # its own network, solved alone
        made[i]["part"] = solved[0] if solved else None
        made[i]["more"]["nodes"] = solved[1] if solved else None
    return made


def _facts_by_milestone(ws: Workspace) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for (mid, tid), facts in ws.facts.items():
        grouped.setdefault(mid, []).append((tid, facts))
    return grouped


def _key(base: str, blob: str, where: tuple[str, str, str], facts: Any) -> str:
    _, location, path = where
    text = f"{base}\0{blob}\0{location}\0{path}\0{sorted(facts)!r}"
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


def critical_order(ws: Workspace, cards: list[Card]) -> dict[str, Any]:
    """The critical path's milestones and the plan's finish, read back where every card's
    network inputs are as before; otherwise the plan is loaded and its network solved."""
    from gitmilestone.commands import dashboard

    digest = hashlib.sha1(f"{clock.today().isoformat()}\0{viewmemo.config_digest(ws)}".encode())
    digest.update("\n".join(c["network"] for c in cards).encode())

    def compute() -> dict[str, Any]:
        from gitmilestone.analysis import twolevel

        ids, parts = [c["id"] for c in cards], [c["part"] for c in cards]
        cal, _ = dashboard.calendar(dashboard.read(ws, clock.today(), []))
        solved = twolevel.solve(ids, parts, lambda i: dashboard.more(cards[i], "nodes"), cal)
        if solved is None:  # the whole network, which also words what is wrong
            return dashboard.critical_order(dashboard.read(ws, clock.today()), None)
        order, finish = solved
        return {"order": order, "finish": _date(cal, finish), "error": None}

    found: dict[str, Any] = viewmemo.remembered_as(
        ws, f"critical {digest.hexdigest()}", "critical path", compute
    )
    return found


def _date(cal: WorkCalendar, finish: int) -> str | None:
    """The plan's finish as schedule.summary words it."""
    return cal.finish_date(0, finish).isoformat() if finish else None
