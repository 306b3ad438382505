"""The web dashboard: one self-contained HTML page (inline CSS, SVG and a few lines of script).

Nothing on the page is fetched: a Content-Security-Policy allows no source but the page itself,
and the only script is ours, allowed by its hash, so even text that slipped past escaping could
not run. Served by `dashboard --serve`, the script polls `version` and reloads on change."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.render import svg
from gitmilestone.render.svg import esc

RELOAD_JS = (
    "(function(){if(!/^https?:$/.test(location.protocol))return;"
    "var v=document.documentElement.getAttribute('data-version');"
    "setInterval(function(){fetch('version',{cache:'no-store'})"
    ".then(function(r){return r.text()})"
    ".then(function(t){t=t.trim();if(t&&t!==v)location.reload()})"
    ".catch(function(){})},1000)})();"
)

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
header{background:#1d232b;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px;padding:14px}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 14px;overflow:auto}
section.wide{grid-column:1/-1}h2{font-size:16px;margin:4px 0 10px}
.figures{display:flex;gap:24px;flex-wrap:wrap}.figure b{display:block;font-size:26px}
table{border-collapse:collapse;width:100%}td,th{padding:3px 6px;border-bottom:1px solid #eef0f3;
text-align:left;vertical-align:top}meter{width:120px}.overdue{color:#c62828;font-weight:600}
.chain li.done{color:#2e7d32}.chain li.in_progress{color:#b26a00}.chain li.waiting{color:#555}
svg text{font-size:11px;fill:#1d232b}svg .axis{fill:#666}.bar{fill:#5c8dd6}.ms .bar{fill:#263f66}
.crit .bar{fill:#d32f2f}.float{fill:#c9d6ea}.edge{stroke:#9aa5b1;stroke-width:1.2}
.node rect{fill:#fff;stroke:#5c8dd6;stroke-width:1.5}.node.milestone rect{stroke-width:3}
.node.done rect{fill:#e4f3e6;stroke:#2e7d32}.node.ready rect{fill:#fff7d6;stroke:#b26a00}
.node.blocked rect{fill:#fde4e4;stroke:#c62828}.scope,.done,.left{fill:none;stroke-width:2}
.scope{stroke:#888}polyline.done{stroke:#2e7d32}.left{stroke:#d32f2f}.hist{fill:#5c8dd6}
.pct{stroke:#1d232b;stroke-dasharray:3 2}.heat td{height:54px;width:30%;font-size:12px}
.heat .high{background:#f8c9c9}.heat .medium{background:#fde9b8}.heat .low{background:#d9efd9}
pre{white-space:pre-wrap;font-size:12px}.muted{color:#666}
"""


def script_hash() -> str:
    digest = hashlib.sha256(RELOAD_JS.encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


def page(data: Mapping[str, Any], version: str) -> str:
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src '{script_hash()}'; connect-src 'self'; base-uri 'none'; form-action 'none'"
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en" data-version="{esc(version)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Milestones · {esc(data['today'])}</title><style>{CSS}</style></head><body>",
        f"<header><h1>MILESTONE PROGRESS DASHBOARD</h1><span>{esc(data['today'])}</span></header>",
        "<main>",
        *sections(data),
        f"</main><script>{RELOAD_JS}</script></body></html>",
    ]
    return "\n".join(parts)


def _section(sid: str, title: str, body: str, wide: bool = False) -> str:
    cls = ' class="wide"' if wide else ""
    return f'<section id="{sid}"{cls}><h2>{esc(title)}</h2>{body}</section>'


def _note(count: int, command: str) -> str:
    if not count:
        return ""
    return f'<p class="muted">and {count} more not drawn ({esc(command)})</p>'


def sections(data: Mapping[str, Any]) -> list[str]:
    gantt, graph, fc = data["gantt"], data["graph"], data["forecast"]
    return [
        _section("summary", "Project", summary(data)),
        _section("critical-path", "Critical path", chain(data["critical_path"])),
        _section("milestones", "Milestones", milestones(data["milestones"]), wide=True),
        _section(
            "gantt",
            "Schedule (Gantt, working calendar; red: critical path, pale: float)",
            _error(gantt)
            or svg.gantt(gantt["rows"]) + _note(gantt["left_out"], "git milestone schedule"),
            wide=True,
        ),
        _section(
            "graph",
            "Dependencies (green: done, yellow: ready, red: blocked)",
            _error(graph)
            or svg.graph(graph["nodes"], graph["edges"])
            + _note(graph["left_out"], "git milestone deps"),
            wide=True,
        ),
        _section("burndown", "Burndown and burn-up (hours)", burndown(data["burndown"])),
        _section("forecast", "Forecast (Monte Carlo)", forecast(fc)),
        _section("risks", "Risk matrix (probability x impact)", risk_matrix(data["risk_matrix"])),
        _section("gates", "Phase gates waiting for approval", gates(data["gates"])),
        _section("activity", "Recent activity", activity(data["recent_activity"])),
        _section("resume", "Resume (this branch)", resume(data["resume"])),
    ]


def _error(part: Mapping[str, Any]) -> str:
    return (
        f'<p class="overdue">Cannot compute: {esc(part["error"])}</p>' if part.get("error") else ""
    )


def summary(data: Mapping[str, Any]) -> str:
    from gitmilestone.render.webdata import numbers

    figures = "".join(
        f'<div class="figure" data-name="{name}"><b>{esc(text)}</b>{esc(name)}</div>'
        for name, text in numbers(data)
    )
    focus = data["focus"]
    line = (
        f'<p id="focus">Current focus: <b>{esc(focus["id"])}</b> {esc(focus["title"])} '
        f"({focus['progress']:.0f}%, {esc(focus['why'])})</p>"
        if focus
        else '<p id="focus">Nothing in progress.</p>'
    )
    return f'<div class="figures">{figures}</div>{line}'


def chain(cp: Mapping[str, Any]) -> str:
    if cp.get("error"):
        return _error(cp)
    items = "".join(
        f'<li class="{esc(c["state"])}" data-id="{esc(c["id"])}">{esc(c["id"])} '
        f"{esc(c['title'])} — {esc(c['state'].replace('_', ' '))}</li>"
        for c in cp["chain"]
    )
    finish = f"<p>Projected finish: <b>{esc(cp['finish'])}</b></p>" if cp.get("finish") else ""
    return f'<ol class="chain">{items}</ol>{finish}'


def milestones(rows: Sequence[Mapping[str, Any]]) -> str:
    head = "<tr><th>ID</th><th>Milestone</th><th>Status</th><th>Progress</th><th>Due</th>"
    head += "<th>Estimated</th><th>Spent</th><th>Efficiency</th></tr>"
    body = []
    for r in rows:
        t = r["time"]
        body.append(
            f'<tr data-id="{esc(r["id"])}"><td>{esc(r["id"])}</td><td>{esc(r["title"])}</td>'
            f'<td>{esc(r["status"])}</td><td><meter min="0" max="100" value="{r["progress"]:.0f}">'
            f'</meter> <span class="pct">{r["progress"]:.0f}%</span></td>'
            f"<td>{esc(r['estimated_end'] or '-')}</td><td>{_h(t['estimated_hours'])}</td>"
            f"<td>{_h(t['actual_hours'])}</td><td>{esc(t['efficiency'] or '-')}</td></tr>"
        )
    return f"<table>{head}{''.join(body)}</table>"


def _h(value: object) -> str:
    return f"{value:g} h" if isinstance(value, int | float) and value else "-"


def burndown(report: Mapping[str, Any]) -> str:
    legend = '<p class="muted">grey: scope · green: completed · red: remaining</p>'
    return svg.burndown(report["days"]) + legend


def forecast(fc: Mapping[str, Any]) -> str:
    if not fc.get("enough_history"):
        return f"<p>{esc(fc.get('message') or 'Too little history.')}</p>"
    dates = "".join(
        f'<div class="figure" data-name="p{q}"><b>{esc(fc[f"p{q}"])}</b>P{q}</div>'
        for q in (50, 85, 95)
    )
    return f'<div class="figures">{dates}</div>' + svg.histogram(fc)


def risk_matrix(m: Mapping[str, Any]) -> str:
    head = "<tr><th>probability</th>" + "".join(f"<th>{esc(i)}</th>" for i in m["impacts"])
    rows = []
    for row in m["rows"]:
        cells = "".join(
            f'<td class="{esc(c["level"])}">'
            + "<br>".join(
                f'<span class="risk" title="{esc(r["description"])}">{esc(r["ref"])} '
                f"{esc(r['description'])}</span>"
                for r in c["risks"]
            )
            + "</td>"
            for c in row["cells"]
        )
        rows.append(f"<tr><th>{esc(row['band'])}</th>{cells}</tr>")
    return f'<table class="heat">{head}</tr>{"".join(rows)}</table>'


def gates(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "<p>No gate is waiting.</p>"
    items = "".join(
        f"<li><b>{esc(g['ref'])}</b> {esc(g['title'])}: {esc(g['phase'])} done, gate "
        f"{esc(g['gate'])} waits for {esc(', '.join(g['approvers']) or 'anyone')}</li>"
        for g in rows
    )
    return f"<ul>{items}</ul>"


def activity(rows: Sequence[Mapping[str, Any]]) -> str:
    items = "".join(
        f'<li><span class="muted">{esc(r["timestamp"][:16].replace("T", " "))}</span> '
        f'{esc(r["summary"])} <span class="muted">({esc(r["author"])})</span></li>'
        for r in rows
    )
    return f"<ul>{items}</ul>" if items else "<p>No events yet.</p>"


def resume(r: Mapping[str, Any]) -> str:
    if r.get("message"):
        return f"<p>{esc(r['message'])}</p>"
    return f"<pre>{esc(chr(10).join(r['lines']))}</pre>"
