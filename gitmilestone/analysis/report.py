"""`analyze`: one report from several perspectives (timeline, decomposition, dependencies and
risk, integration across milestones, progress, domains, quality; the new three are in
`perspectives`). Each section is produced on its own from the same inputs, so a
section that cannot be produced says why and the others still appear. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from gitmilestone.analysis import graph, perspectives
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.analysis.effort import ThreePoint
from gitmilestone.analysis.quality import LintSettings, counts, duration_weeks, lint, plural
from gitmilestone.analysis.risk import Thresholds, by_score, exposure, risks_of
from gitmilestone.analysis.sections import Entry as Entry
from gitmilestone.analysis.sections import Inputs as Inputs
from gitmilestone.analysis.sections import Section as Section
from gitmilestone.analysis.sections import day as _day
from gitmilestone.analysis.workload import window_capacity
from gitmilestone.core.model import Milestone, Settings, milestone_progress, milestone_status
from gitmilestone.errors import MilestoneError


def analyze(inputs: Inputs) -> list[Section]:
    sections = []
    for key, title, produce in PERSPECTIVES:
        try:
            sections.append(Section(key, title, produce(inputs)))
        except MilestoneError as err:  # one perspective failing must not hide the others
            sections.append(Section(key, title, error=err.message))
    return sections


# -- timeline -------------------------------------------------------------------------------------


def timeline(inp: Inputs) -> list[Entry]:
    return [_timeline_entry(m, inp) for m in inp.targets]


def _timeline_entry(m: Milestone, inp: Inputs) -> Entry:
    e = Entry(m.id)
    hours = float(m.estimated_hours or 0)
    buffer = float(m.buffer_percentage or 0)
    needed = round(hours * (1 + buffer / 100), 1)
    weeks = duration_weeks(m, LintSettings.from_config(inp.config))
    e.notes.append(
        f"{m.estimated_start or '?'} -> {m.estimated_end or '?'}"
        + (f" · {weeks[0]:g} weeks" if weeks else "")
        + f" · {hours:g} h + {buffer:g}% buffer = {needed:g} h"
    )
    e.data |= {"start": m.estimated_start, "end": m.estimated_end, "hours_needed": needed}
    task_hours = sum(t.estimated_hours or 0 for t in m.tasks)
    if task_hours and hours and abs(task_hours - hours) > 0.01:
        side = "over" if task_hours > hours else "under"
        e.notes.append(
            f"tasks add up to {task_hours:g} h, {abs(task_hours - hours):g} h {side} the estimate"
        )
    e.notes += _capacity(m, needed, inp, e.data)
    e.notes += _projected(m, inp, e.data)
    e.notes += _pace(m, inp, e.data)
    e.notes += _pert(m, e.data)
    return e


def _capacity(m: Milestone, needed: float, inp: Inputs, data: dict[str, Any]) -> list[str]:
    """The hours of the people on the milestone between its dates (workload.window_capacity)."""
    if not (m.estimated_start and m.estimated_end and needed):
        return []
    start, end = _day(m.estimated_start), _day(m.estimated_end)
    if start is None or end is None or end < start:
        return []
    cal = WorkCalendar.from_config(inp.config, start)
    notes, found = window_capacity(m, cal, end, needed, inp.config)
    data |= found
    return notes


def _projected(m: Milestone, inp: Inputs, data: dict[str, Any]) -> list[str]:
    """Where the capacity-aware schedule (each person's hours, tasks never overlapping) puts
    the milestone's end, against its estimated_end."""
    row = inp.projected.get(m.id)
    if not row or not row.get("finish"):
        return []
    data["projected_finish"] = row["finish"]
    how = "with each person's hours" if row.get("levelled") else "by dependencies alone"
    head = f"schedule {how}: done {row['finish']}"
    slip = row.get("slip_days")
    if slip is None:
        return [head]
    if slip > 0:
        return [f"{head}, {slip:g} working days after its end"]
    return [f"{head}, on time ({-slip:g} working days to spare)"]


def _pace(m: Milestone, inp: Inputs, data: dict[str, Any]) -> list[str]:
    status = milestone_status(m, inp.settings)
    start, end = _day(m.estimated_start), _day(m.estimated_end)
    if status in ("completed", "cancelled") or start is None or end is None or end < start:
        return []
    done = milestone_progress(m, inp.settings)
    span = (end - start).days + 1
    elapsed = min(max((inp.today - start).days, 0), span)
    expected = round(100 * elapsed / span)
    data |= {"progress": done, "time_elapsed_percent": expected}
    if inp.today > end:
        return [f"overdue by {(inp.today - end).days} days at {done:.0f}% done"]
    head = f"{expected}% of its time has passed, {done:.0f}% done"
    if expected - done >= 10:
        return [f"{head}: behind by {expected - done:.0f} points"]
    return [f"{head}: on pace"]


def _pert(m: Milestone, data: dict[str, Any]) -> list[str]:
    tl = m.raw.get("timeline") or {}
    keys = ("optimistic_hours", "most_likely_hours", "pessimistic_hours")
    three = [x for x in (tl.get(k) for k in keys) if isinstance(x, (int, float))]
    if len(three) < 3:
        return []
    o, ml, p = (float(x) for x in three)
    estimate = ThreePoint(o, ml, p)
    te, sigma = estimate.expected, estimate.sigma
    data["pert"] = {"expected_hours": round(te, 1), "sigma_hours": round(sigma, 1)}
    return [f"PERT: expected {te:.1f} h ± {sigma:.1f} h (O {o:g}, M {ml:g}, P {p:g})"]


# -- dependencies and risk ------------------------------------------------------------------------


def dependencies_and_risk(inp: Inputs) -> list[Entry]:
    ids = {m.id: m for m in inp.everyone}
    enables = graph.derived_enables(inp.everyone)
    thresholds = Thresholds.from_config(inp.config)
    out = []
    for m in inp.targets:
        e = Entry(m.id, data={"requires": list(m.requires), "enables": enables.get(m.id, [])})
        after = ", ".join(enables.get(m.id, [])) or "nothing"
        e.notes.append(f"requires {', '.join(m.requires) or 'nothing'}; enables {after}")
        for req in m.requires:
            e.notes += _prerequisite(m, ids.get(req), req, inp.settings)
        e.notes += _risk_notes(m, thresholds, e.data)
        out.append(e)
    return out


def _prerequisite(m: Milestone, req: Milestone | None, rid: str, settings: Settings) -> list[str]:
    if req is None:
        return [f"requires {rid}, which is not in the plan"]
    if milestone_status(req, settings) == "completed":
        return []
    start, end = _day(m.estimated_start), _day(req.estimated_end)
    if start and end and start <= end:
        return [f"starts {start} but {rid} is due {end}: work may wait on it"]
    return [f"waits on {rid} ({milestone_progress(req, settings):.0f}% done)"]


def _risk_notes(m: Milestone, thresholds: Thresholds, data: dict[str, Any]) -> list[str]:
    open_risks = [r for r in risks_of(m) if r.active]
    levels = [thresholds.level(r.score) or "unscored" for r in open_risks]
    tally = {lv: levels.count(lv) for lv in ("high", "medium", "low", "unscored") if lv in levels}
    data |= {"risk_levels": tally, "risk_exposure": exposure(open_risks)}
    if not open_risks:
        return ["no open risks listed"]
    notes = [
        "open risks: "
        + ", ".join(f"{n} {lv}" for lv, n in tally.items())
        + f"; exposure {exposure(open_risks):g}"
    ]
    for r in by_score(open_risks)[:3]:
        level = thresholds.level(r.score)
        if level in ("high", "medium"):
            plan = f"mitigation: {r.mitigation}" if r.mitigation else "NO MITIGATION"
            notes.append(f"{level.upper()} {r.ref}: {r.description} ({plan})")
    return notes


# -- integration across milestones ----------------------------------------------------------------


def integration(inp: Inputs) -> list[Entry]:
    enables = graph.derived_enables(inp.everyone)
    return [_integration_entry(m, inp, enables.get(m.id, [])) for m in inp.targets]


def _integration_entry(m: Milestone, inp: Inputs, enables: list[str]) -> Entry:
    e = Entry(m.id)
    if m.requires:
        e.notes.append(f"builds on {', '.join(m.requires)}")
    if enables:
        e.notes.append(f"{', '.join(enables)} build{'s' if len(enables) == 1 else ''} on it")
    links = _cross_tasks(m, inp.everyone)
    e.data["task_links"] = links
    e.notes += [f"{a} depends on {b}" for a, b in links]
    external = list((m.raw.get("dependencies") or {}).get("external") or ())
    e.data["external"] = external
    if external:
        e.notes.append(f"external: {', '.join(external)}")
    people = _shared(m, inp.everyone, _people)
    e.data["shared_people"] = people
    e.notes += [f"{who} is also on {', '.join(ms)} at the same time" for who, ms in people.items()]
    things = _shared(m, inp.everyone, _resources)
    e.data["shared_resources"] = things
    e.notes += [f"shares {what} with {', '.join(ms)}" for what, ms in things.items()]
    if not e.notes:
        e.notes.append("no integration points with other milestones")
    return e


def _cross_tasks(m: Milestone, everyone: Sequence[Milestone]) -> list[tuple[str, str]]:
    """(dependent task, task it waits for) pairs that cross between `m` and another milestone."""
    pairs = []
    for other in everyone:
        for t in other.tasks:
            for dep in t.dependencies:
                owner = dep.rpartition("/")[0] or other.id
                if (other.id == m.id) != (owner == m.id):
                    pairs.append((f"{other.id}/{t.id}", dep if "/" in dep else f"{owner}/{dep}"))
    return pairs


def _shared(
    m: Milestone, everyone: Sequence[Milestone], of: Callable[[Milestone], set[str]]
) -> dict[str, list[str]]:
    """What `m` has in common with other active milestones that run at the same time."""
    mine = of(m)
    out: dict[str, list[str]] = {}
    for other in everyone:
        if other.id == m.id or other.location != "active" or not _overlap(m, other):
            continue
        for name in sorted(mine & of(other)):
            out.setdefault(name, []).append(other.id)
    return out


def _people(m: Milestone) -> set[str]:
    team = (m.raw.get("resources") or {}).get("team_members") or ()
    return {str(x) for x in team} | {t.assigned_to for t in m.tasks if t.assigned_to}


def _resources(m: Milestone) -> set[str]:
    return {str(x) for x in (m.raw.get("resources") or {}).get("shared") or ()}


def _overlap(a: Milestone, b: Milestone) -> bool:
    a0, a1, b0, b1 = (
        _day(x) for x in (a.estimated_start, a.estimated_end, b.estimated_start, b.estimated_end)
    )
    if None in (a0, a1, b0, b1):
        return True  # undated work may run at any time
    return bool(a0 <= b1 and b0 <= a1)  # type: ignore[operator]


# -- quality --------------------------------------------------------------------------------------


def quality(inp: Inputs) -> list[Entry]:
    findings = lint(inp.targets, inp.everyone, LintSettings.from_config(inp.config), inp.root)
    out = []
    for m in inp.targets:
        mine = [f for f in findings if f.milestone == m.id]
        tally = counts(mine)
        e = Entry(m.id, data={"counts": tally, "findings": [f.as_dict() for f in mine]})
        if not mine:
            e.notes.append("passes every quality check")
        else:
            e.notes.append(", ".join(plural(n, sev) for sev, n in tally.items() if n))
            e.notes += [f"{f.code} {f.severity}: {f.message}" for f in mine if f.severity != "info"]
        out.append(e)
    return out


PERSPECTIVES: tuple[tuple[str, str, Callable[[Inputs], list[Entry]]], ...] = (
    ("timeline", "Timeline", timeline),
    ("decomposition", "Decomposition", perspectives.decomposition),
    ("dependencies_and_risk", "Dependencies and risk", dependencies_and_risk),
    ("integration", "Integration across milestones", integration),
    ("progress", "Progress", perspectives.progress),
    ("domains", "Domains", perspectives.domains),
    ("quality", "Quality checklist", quality),
)
