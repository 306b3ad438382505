"""`git milestone diff` as lines: text for a terminal (coloured when asked) and markdown for
a pull-request comment (a summary table first, the details folded in <details>)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ARROW = "→"
_COLOURS = {"+": "32", "-": "31", "~": "33", "✓": "32", "↺": "35", "!": "31"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _or_dash(value: Any) -> str:
    return "—" if value in (None, "", []) else str(value)


def _short(commit: str | None) -> str:
    return commit[:7] if commit else ""


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def title_line(data: dict[str, Any]) -> str:
    a, b = data["from"], data["to"]
    return f"Plan changes: {a['label']} {ARROW} {b['label']} ({span(data)})"


def span(data: dict[str, Any]) -> str:
    """`74cbd7b → 5d1d09c`, or `74cbd7b → work tree`."""
    after = _short(data["to"]["commit"]) or "work tree"
    return f"{_short(data['from']['commit'])} {ARROW} {after}"


def end_text(project: dict[str, Any]) -> str:
    finish = project["finish"]
    text = f"{_or_dash(finish['before'])} {ARROW} {_or_dash(finish['after'])}"
    moved = project["finish_moved_days"]
    if moved:
        text += f" ({moved:+d} days)"
    return text


def path_text(path: list[str]) -> str:
    return f" {ARROW} ".join(path) if path else "—"


def summary_rows(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    p = data["project"]
    rows = [
        ("Project progress", pct(p["progress"]["before"]), pct(p["progress"]["after"])),
        ("Projected end", _or_dash(p["finish"]["before"]), _end_after(p)),
        ("P85 forecast", _or_dash(p["p85"]["before"]), _or_dash(p["p85"]["after"])),
        (
            "Critical path",
            path_text(p["critical_path"]["before"]),
            path_text(p["critical_path"]["after"]),
        ),
    ]
    if p["new_cycle"]:
        rows.append(("New dependency cycle", "—", ", ".join(p["new_cycle"])))
    return rows


def _end_after(p: dict[str, Any]) -> str:
    moved = p["finish_moved_days"]
    return _or_dash(p["finish"]["after"]) + (f" ({moved:+d} days)" if moved else "")


# -- one milestone's details -----------------------------------------------------------------


def headline(m: dict[str, Any]) -> str:
    progress = f"{pct(m['progress_before'])} {ARROW} {pct(m['progress_after'])}"
    if m["change"] == "added":
        progress = f"added, {pct(m['progress_after'])}"
    elif m["change"] == "removed":
        progress = "removed"
    return f"{m['id']} {m['title']}  {progress}"


def detail_lines(m: dict[str, Any], gates: list[dict[str, Any]]) -> list[str]:
    """Each change of one milestone as `<mark> <text>`: + added, - removed, ~ changed,
    ✓ completed, ↺ reopened, ! needs attention."""
    out = [f"~ {f['field']}: {_or_dash(f['before'])} {ARROW} {_or_dash(f['after'])}"
           for f in m["fields"]]  # fmt: skip
    out += [_task_line(t) for t in m["tasks"]]
    out += [f"+ requires {d}" for d in m["dependencies"]["added"]]
    out += [f"- requires {d}" for d in m["dependencies"]["removed"]]
    out += [_risk_line(r) for r in m["risks"]]
    out += [_phase_line(p) for p in m["phases"]]
    out += [f"! gate {g['gate']} of {g['task']} is waiting for approval"
            for g in gates if g["milestone"] == m["id"]]  # fmt: skip
    return out


def _task_line(t: dict[str, Any]) -> str:
    name = f'{t["id"]} "{t["title"]}"'
    change = t["change"]
    if change == "completed":
        by = t.get("commit")
        how = f" by {_short(by)} ({t['by']})" if by else " in the plan file"
        return f"✓ {t['id']} completed{how}"
    if change == "re-estimated":
        field = t["field"].removesuffix("_hours").replace("_", " ")
        return f"~ {t['id']} {field} hours {_or_dash(t['before'])} {ARROW} {_or_dash(t['after'])}"
    simple = {"added": "+ {} added", "removed": "- {} removed", "reopened": "↺ {} reopened"}
    if change in simple:
        return simple[change].format(name)
    if change == "status":
        return f"~ {t['id']} {t['before']} {ARROW} {t['after']}"
    deps = [f"+{d}" for d in t["added"]] + [f"-{d}" for d in t["removed"]]
    return f"~ {t['id']} dependencies {' '.join(deps)}"


def _risk_line(r: dict[str, Any]) -> str:
    scores = f"score {_score(r['score_before'])} {ARROW} {_score(r['score_after'])}"
    marks = {"added": "+", "removed": "-", "closed": "✓", "mitigated": "~", "re-scored": "~"}
    if r["change"] == "added":
        scores = f"score {_score(r['score_after'])}"
    return f"{marks[r['change']]} risk {r['ref']} {r['change']}: {r['description']} ({scores})"


def _phase_line(p: dict[str, Any]) -> str:
    by = f" by {', '.join(p['by'])}" if p["by"] else ""
    return f"~ {p['task']} {p['phase']} {p['change']}{by}"


# -- text ------------------------------------------------------------------------------------


def text_lines(data: dict[str, Any], colour: bool = False) -> list[str]:
    paint = _painter(colour)
    out = [title_line(data)]
    if not data["changed"]:
        return [*out, "No plan changes."]
    for label, before, after in summary_rows(data):
        if label != "Critical path":
            out.append(f"  {label}: {before} {ARROW} {after}")
        elif before == after:
            out.append(f"  {label} (unchanged): {after}")
        else:
            out += [f"  {label} before: {before}", f"  {label} after:  {after}"]
    for m in data["milestones"]:
        out += ["", paint("~", headline(m))]
        out += [f"  {paint(line[0], line)}" for line in detail_lines(m, data["gates_waiting"])]
    return out


def _painter(colour: bool) -> Callable[[str, str], str]:
    def paint(mark: str, text: str) -> str:
        code = _COLOURS.get(mark)
        return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text

    return paint
