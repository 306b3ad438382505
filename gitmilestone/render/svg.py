"""The web dashboard's charts as inline SVG: Gantt, dependency graph, burndown/burn-up and the
forecast distribution. Every text from the plan or history goes through `esc`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

ROW = 18
LABEL_W = 280
CHART_W = 880
NODE_W, NODE_H, GAP_X, GAP_Y = 170, 28, 50, 12


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def _svg(width: float, height: float, body: list[str], label: str, fluid: bool = False) -> str:
    """fluid: scale to the section's width (charts); else natural size, scrolled (Gantt, graph)."""
    size = 'width="100%"' if fluid else f'width="{width:.0f}" height="{height:.0f}"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(label)}">'
        + "".join(body)
        + "</svg>"
    )


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def gantt(rows: Sequence[Mapping[str, Any]]) -> str:
    """One bar per open item from its start to its finish; its total float as a pale bar up to
    its latest finish; critical items in the critical colour."""
    if not rows:
        return "<p>No open work to schedule.</p>"
    first = min(_day(r["start"]) for r in rows)
    last = max(_day(r["latest_finish"] or r["finish"]) for r in rows)
    span = max((last - first).days + 1, 1)

    def x(day: str, end: bool = False) -> float:
        return LABEL_W + ((_day(day) - first).days + end) / span * CHART_W

    body = [
        f'<text class="axis" x="{LABEL_W}" y="12">{esc(first)}</text>',
        f'<text class="axis" x="{LABEL_W + CHART_W}" y="12" text-anchor="end">{esc(last)}</text>',
    ]
    for n, r in enumerate(rows):
        y = 20 + n * ROW
        crit = " crit" if r["critical"] else ""
        kind = "ms" if r["kind"] == "milestone" else "task"
        x0, x1 = x(r["start"]), x(r["finish"], True)
        tip = (
            f"{r['id']} {r['title']}: {r['start']} → {r['finish']}, "
            f"total float {r['total_float']} d, free float {r['free_float']} d"
        )
        body.append(
            f'<g class="row {kind}{crit}" data-id="{esc(r["id"])}" data-float="{r["total_float"]}">'
            f"<title>{esc(tip)}</title>"
            f'<text x="4" y="{y + 13}">{esc(_short(r["id"] + " " + r["title"], 44))}</text>'
        )
        if r["latest_finish"] and r["total_float"] > 0:
            fx = x(r["latest_finish"], True)
            body.append(
                f'<rect class="float" x="{x1:.1f}" y="{y + 5}" width="{fx - x1:.1f}" height="6"/>'
            )
        body.append(
            f'<rect class="bar" x="{x0:.1f}" y="{y + 2}" width="{max(x1 - x0, 2):.1f}" '
            'height="13"/></g>'
        )
    return _svg(LABEL_W + CHART_W + 10, 24 + len(rows) * ROW, body, "Gantt chart")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def graph(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Sequence[int]]) -> str:
    """Layered left to right: a node's column is one more than its furthest predecessor's."""
    if not nodes:
        return "<p>No milestones.</p>"
    preds: list[list[int]] = [[] for _ in nodes]
    for a, b in edges:
        preds[b].append(a)
    depth = [0] * len(nodes)
    for i in range(len(nodes)):  # nodes come in topological order
        depth[i] = max((depth[p] + 1 for p in preds[i]), default=0)
    slots: dict[int, int] = {}
    pos = []
    for i in range(len(nodes)):
        row = slots.get(depth[i], 0)
        slots[depth[i]] = row + 1
        pos.append((10 + depth[i] * (NODE_W + GAP_X), 10 + row * (NODE_H + GAP_Y)))
    body = []
    for a, b in edges:
        (ax, ay), (bx, by) = pos[a], pos[b]
        body.append(
            f'<line class="edge" x1="{ax + NODE_W}" y1="{ay + NODE_H / 2}" '
            f'x2="{bx}" y2="{by + NODE_H / 2}"/>'
        )
    for n, (px, py) in zip(nodes, pos, strict=True):
        body.append(
            f'<g class="node {esc(n["kind"])} {esc(n["state"])}" data-id="{esc(n["id"])}">'
            f"<title>{esc(n['id'])} {esc(n['title'])} ({esc(n['state'])})</title>"
            f'<rect x="{px}" y="{py}" width="{NODE_W}" height="{NODE_H}" rx="5"/>'
            f'<text x="{px + 6}" y="{py + 18}">'
            f"{esc(_short(n['id'] + ' ' + n['title'], 26))}</text></g>"
        )
    width = 20 + (max(depth) + 1) * (NODE_W + GAP_X)
    height = 20 + max(slots.values()) * (NODE_H + GAP_Y)
    return _svg(width, height, body, "Dependency graph")


def _polyline(points: Sequence[tuple[float, float]], cls: str) -> str:
    text = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline class="{cls}" points="{text}"/>'


def burndown(days: Sequence[Mapping[str, Any]]) -> str:
    """Remaining (burndown), completed and scope (burn-up) hours per day."""
    if not days:
        return "<p>No history yet.</p>"
    w, h, pad = CHART_W, 240, 30
    top = max(max(d["scope_hours"] for d in days), 1)
    step = w / max(len(days) - 1, 1)

    def pts(key: str) -> list[tuple[float, float]]:
        return [(pad + n * step, pad + h - d[key] / top * h) for n, d in enumerate(days)]

    body = [
        _polyline(pts("scope_hours"), "scope"),
        _polyline(pts("completed_hours"), "done"),
        _polyline(pts("remaining_hours"), "left"),
        f'<text class="axis" x="{pad}" y="{pad + h + 18}">{esc(days[0]["date"])}</text>',
        f'<text class="axis" x="{pad + w}" y="{pad + h + 18}" text-anchor="end">'
        f"{esc(days[-1]['date'])}</text>",
        f'<text class="axis" x="2" y="{pad - 8}">{top:g} h</text>',
    ]
    return _svg(w + 2 * pad, h + 2 * pad + 10, body, "Burndown and burn-up", fluid=True)


def histogram(fc: Mapping[str, Any]) -> str:
    """How many simulated futures finish on each day, with the P50/P85/P95 marks."""
    bars = fc.get("histogram") or []
    if not bars:
        return "<p>Every simulated future is done today.</p>"
    w, h, pad = CHART_W, 180, 30
    first, last = bars[0]["days"], bars[-1]["days"]
    span = max(last - first + 1, 1)
    peak = max(b["trials"] for b in bars)
    bw = w / span
    body = []
    for b in bars:
        bh = b["trials"] / peak * h
        x = pad + (b["days"] - first) * bw
        body.append(
            f'<rect class="hist" x="{x:.1f}" y="{pad + h - bh:.1f}" width="{max(bw - 1, 1):.1f}" '
            f'height="{bh:.1f}"><title>{esc(b["date"])}: {b["trials"]} trials</title></rect>'
        )
    for q in (50, 85, 95):
        n = fc.get(f"p{q}_working_days")
        if n is None:
            continue
        x = pad + (n - first + 0.5) * bw
        body.append(
            f'<line class="pct" x1="{x:.1f}" y1="{pad - 4}" x2="{x:.1f}" y2="{pad + h}"/>'
            f'<text class="axis" x="{x + 3:.1f}" y="{pad - 8 + (q - 50) / 5:.0f}">'
            f"P{q} {esc(fc[f'p{q}'])}</text>"
        )
    return _svg(w + 2 * pad + 120, h + 2 * pad, body, "Forecast distribution", fluid=True)
