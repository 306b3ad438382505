"""Planning analytics as lines: the critical path, the schedule and what-if, forecasts, burndown
charts (the dependency graph is in render/deps.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]


def table(head: Sequence[str], rows: Iterable[Sequence[object]], indent: str = "  ") -> list[str]:
    """Left-aligned columns; the last column is not padded."""
    body = [[str(c) for c in row] for row in rows]
    cells = [list(head), *body]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head) - 1)]
    return [
        (
            indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
        ).rstrip()
        for r in cells
    ]


def days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def calendar_text(summary: Row) -> str:
    cal = summary["calendar"]
    names = cal["working_days"]
    week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    first = week.index(names[0])
    run = names == week[first : first + len(names)] and len(names) > 2
    shown = f"{names[0]}-{names[-1]}" if run else ",".join(names)
    return f"{shown}, {cal['hours_per_day']:g} h/day"


# -- critical path and schedule ---------------------------------------------------------------


def headline(title: str, summary: Row) -> str:
    head = f"{title} from {summary['from']} ({calendar_text(summary)}): "
    if not summary["finish"]:
        return head + "nothing left to do"
    return (
        head + f"all work done {summary['finish']} ({days(summary['duration_days'])} working days)"
    )


def critical_path_lines(
    summary: Row, chain: Sequence[Row], items: Sequence[Row], full: bool
) -> list[str]:
    out = [headline("Critical path", summary), ""]
    if not chain:
        out.append("No open work to schedule.")
    else:
        head = ("ITEM", "START", "FINISH", "DAYS", "FLOAT", "TITLE")
        out += table(head, (_chain_row(r) for r in chain))
    if full:
        out += _float_lines(items)
    return out + behind_lines(items) + unestimated_lines(summary)


def _float_lines(items: Sequence[Row]) -> list[str]:
    head = ("ITEM", "ES", "EF", "LS", "LF", "TOTAL", "FREE", "TITLE")
    keys = ("es", "ef", "ls", "lf", "total_float", "free_float")
    rows = [(_flagged(r), *(days(r[k]) for k in keys), r["title"]) for r in items if not r["done"]]
    intro = "Every open item (working days from the start; float in working days):"
    return ["", intro, *table(head, rows)]


def _chain_row(r: Row) -> tuple[str, ...]:
    is_marker = r["kind"] == "milestone" and r["duration_days"] == 0
    start = "" if is_marker else r["start"]
    dur = "" if is_marker else days(r["duration_days"])
    title = f"{r['title']} (milestone)" if r["kind"] == "milestone" else r["title"]
    return (_flagged(r), start, r["finish"], dur, days(r["total_float"]), title)


def _flagged(r: Row) -> str:
    return f"{r['id']} !" if r["behind"] else r["id"]


def behind_lines(items: Sequence[Row]) -> list[str]:
    late = [
        r for r in items if r["kind"] == "milestone" and (r["slip_days"] or 0) > 0 and not r["done"]
    ]
    behind = sum(1 for r in items if r["behind"])
    if not behind:
        return []
    out = ["", f"Behind schedule: {behind} open item(s) with negative float."]
    out += [
        f"  {r['id']} is due {r['deadline']} but cannot finish before {r['finish']}: "
        f"{days(r['slip_days'])} working days late"
        for r in late
    ]
    return out


def unestimated_lines(summary: Row) -> list[str]:
    missing = summary["unestimated"]
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return ["", f"note: {len(missing)} item(s) have no estimate and take no time: {shown}"]


def schedule_lines(summary: Row, items: Sequence[Row], odds: Mapping[str, Row]) -> list[str]:
    out = [headline("Schedule", summary), ""]
    if not items:
        return [*out, "No milestones yet."]
    tasks: dict[str, list[Row]] = {}
    for r in items:
        if r["kind"] == "task":
            tasks.setdefault(r["milestone"], []).append(r)
    rows: list[tuple[str, ...]] = []
    for r in sorted((x for x in items if x["kind"] == "milestone"), key=_when):
        rows.append((r["id"], _span(r), _due(r, odds.get(r["id"])), r["title"]))
        rows += [
            (
                "  " + t["id"].split("/", 1)[1],
                _span(t),
                "critical" if t["critical"] else "",
                t["title"],
            )
            for t in tasks.get(r["id"], [])
        ]
    out += table(("ITEM", "EARLIEST", "DUE", "TITLE"), rows, "")
    return out + behind_lines(items) + unestimated_lines(summary)


def _when(r: Row) -> tuple[bool, str, str, str]:
    """Open work by date, then what is done."""
    return (r["done"], r["start"] or "", r["finish"] or "", r["id"])


def _span(r: Row) -> str:
    return "done" if r["done"] else f"{r['start']} -> {r['finish']}"


def _due(r: Row, odds: Row | None) -> str:
    if not r["deadline"] or r["done"]:
        return ""
    slip = r["slip_days"] or 0
    text = f"{r['deadline']} " + (f"late {days(slip)}d" if slip > 0 else "on time")
    if odds and odds["probability_on_time"] is not None:
        text += f", P(on time) {odds['probability_on_time']:.0%}"
    return text


def what_if_lines(
    delays: Sequence[str], before: Row, after: Row, moved: Sequence[Row]
) -> list[str]:
    out = [f"What if {', '.join(delays)} (from {before['from']}, {calendar_text(before)}):"]
    shift = round((after["duration_days"] or 0) - (before["duration_days"] or 0), 2)
    out.append(f"  all work done {before['finish']} -> {after['finish']} ({shift:+g} working days)")
    if not moved:
        return [*out, "  Nothing else moves: the slip fits in the float."]
    rows = [
        (
            r["id"],
            f"{r['finish_before']} -> {r['finish_after']}",
            f"{r['moved_days']:+g}d",
            _late(r),
            r["title"],
        )
        for r in moved
        if r["kind"] == "milestone"
    ]
    if rows:
        out += table(("MILESTONE", "FINISH", "MOVES", "DUE", "TITLE"), rows)
    count = sum(1 for r in moved if r["kind"] == "task")
    return [*out, f"  {count} task(s) move as well (--json lists them)."] if count else out


def _late(r: Row) -> str:
    slip = r["slip_days"]
    return "" if slip is None else (f"late {slip:g}d" if slip > 0 else "on time")


# -- forecast and burndown ---------------------------------------------------------------------


def forecast_lines(scope: str, data: Row) -> list[str]:
    if not data["enough_history"]:
        return [data["message"]]
    out = [f"Forecast for {scope} from {data['from']}: {data['remaining_tasks']} open task(s)"]
    for q in (50, 85, 95):
        n = data[f"p{q}_working_days"]
        when = data[f"p{q}"] or f"not within {data['horizon_years']} years"
        out.append(f"  P{q}  {when}" + (f"  ({n} working days)" if n is not None else ""))
    if "probability_by_deadline" in data:
        chance = data["probability_by_deadline"]
        out.append(f"  Chance of finishing by {data['deadline']} (estimated_end): {chance:.0%}")
    out.append(
        f"Based on {data['data_points']} task completions over {data['history_days']} working days "
        f"({data['mean_per_day']:g} a day); {data['trials']} trials, seed {data['seed']}."
    )
    return out


def burndown_lines(title: str, points: Sequence[Row], width: int = 40, step: int = 1) -> list[str]:
    top = max((p["scope_hours"] for p in points), default=0)
    if not top:
        return [f"No tasks in {title} yet."]
    out = [
        f"Burndown of {title}, {points[0]['date']} .. {points[-1]['date']} (hours; # done, . left)"
    ]
    head = ("DATE", "CHART", "DONE", "LEFT", "SCOPE")
    rows = []
    for n, p in enumerate(points):
        changed = p["scope_change"] != 0
        if n % step and not changed and n != len(points) - 1:
            continue
        done = round(width * p["completed_hours"] / top)
        bar = "#" * done + "." * (round(width * p["scope_hours"] / top) - done)
        note = f"{p['scope_hours']:g}" + (f" ({p['scope_change']:+g})" if changed else "")
        rows.append(
            (
                p["date"],
                bar.ljust(width),
                f"{p['completed_hours']:g}",
                f"{p['remaining_hours']:g}",
                note,
            )
        )
    return out + table(head, rows, "")
