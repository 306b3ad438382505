"""The dependency graph as lines: text, Mermaid, Graphviz dot, the dependencies.yaml view; ready and
blocked work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from gitmilestone.render.analysis import Row, table


def deps_lines(rows: Sequence[Row]) -> list[str]:
    if not rows:
        return ["No milestones yet."]
    done = {r["id"] for r in rows if r["done"]}
    out: list[str] = []
    for r in rows:
        flags = " (done)" if r["done"] else ("  [critical]" if r["critical_path"] else "")
        out.append(f"{r['id']}  {r['title']}{flags}")
        pairs = [
            ("requires", [f"{x} (done)" if x in done else x for x in r["depends_on"]]),
            ("enables", r["enables"]),
        ]
        pairs += [("external", r["external"]), ("shares", r["shared_resources"])]
        out += [f"  {k:<9} {', '.join(v)}" for k, v in pairs if v]
        own = f"{r['id']}/"
        for t in r["tasks"]:
            if t["depends_on"]:
                after = ", ".join(d.removeprefix(own) for d in t["depends_on"])
                out.append(f"  {t['id']}  after {after}")
    return out


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _mermaid_text(text: str) -> str:
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def mermaid_lines(rows: Sequence[Row], tasks: bool) -> list[str]:
    ids = {r["id"]: f"m{i}" for i, r in enumerate(rows)}
    out = ["flowchart LR"]
    for r in rows:
        label = _mermaid_text(f"{r['id']}: {r['title']}")
        style = ":::done" if r["done"] else (":::critical" if r["critical_path"] else "")
        if tasks and r["tasks"]:
            out.append(f'  subgraph {ids[r["id"]]}["{label}"]')
            out += [
                f'    {ids[r["id"]]}t{j}["{_mermaid_text(t["id"] + ": " + t["title"])}"]'
                for j, t in enumerate(r["tasks"])
            ]
            out.append("  end")
        else:
            out.append(f'  {ids[r["id"]]}["{label}"]{style}')
    out += [f"  {ids[d]} --> {ids[r['id']]}" for r in rows for d in r["depends_on"] if d in ids]
    out += [f"  {a} --> {b}" for a, b in _task_edges(rows, ids, "t") if tasks]
    out += [
        "  classDef done fill:#e6f4ea,stroke:#2e7d32",
        "  classDef critical stroke:#c62828,stroke-width:3px",
    ]
    return out


def _task_edges(rows: Sequence[Row], ids: Mapping[str, str], sep: str) -> list[tuple[str, str]]:
    """Task-to-task edges as node names `<milestone node><sep><task index>`."""
    where = {
        f"{r['id']}/{t['id']}": f"{ids[r['id']]}{sep}{j}"
        for r in rows
        for j, t in enumerate(r["tasks"])
    }
    edges = []
    for r in rows:
        for j, t in enumerate(r["tasks"]):
            for dep in t["depends_on"]:
                if dep in where:
                    edges.append((where[dep], f"{ids[r['id']]}{sep}{j}"))
    return edges


def dot_lines(rows: Sequence[Row], tasks: bool) -> list[str]:
    ids = {r["id"]: f"m{i}" for i, r in enumerate(rows)}
    out = ["digraph milestones {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for r in rows:
        color = ', style=filled, fillcolor="#e6f4ea"' if r["done"] else ""
        color += ', color="#c62828", penwidth=3' if r["critical_path"] and not r["done"] else ""
        node = f'{ids[r["id"]]} [label="{_quote(r["id"])}\\n{_quote(r["title"])}"{color}];'
        if not (tasks and r["tasks"]):
            out.append(f"  {node}")
        else:
            out += [f"  subgraph cluster_{ids[r['id']]} {{", f'    label="{_quote(r["id"])}";']
            out.append(f"    {node}")
            out += [
                f'    {ids[r["id"]]}_{j} [label="{_quote(t["id"])}\\n{_quote(t["title"])}"];'
                for j, t in enumerate(r["tasks"])
            ]
            out.append("  }")
    out += [f"  {ids[d]} -> {ids[r['id']]};" for r in rows for d in r["depends_on"] if d in ids]
    out += [f"  {a} -> {b};" for a, b in _task_edges(rows, ids, "_") if tasks]
    return [*out, "}"]


def yaml_lines(view: Mapping[str, Any]) -> list[str]:
    text = yaml.safe_dump(dict(view), sort_keys=False, allow_unicode=True, default_flow_style=None)
    return [
        "# Derived by `git milestone deps --format yaml`; edit dependencies.requires instead.",
        *text.splitlines(),
    ]


def ready_lines(rows: Sequence[Row]) -> list[str]:
    if not rows:
        return ["Nothing is ready (--blocked shows what waits)."]
    return table(
        ("ITEM", "STATUS", "TITLE"), ((r["id"], r["status"], r["title"]) for r in rows), ""
    )


def blocked_lines(rows: Sequence[Row]) -> list[str]:
    if not rows:
        return ["Nothing is blocked."]
    return table(
        ("ITEM", "WAITING FOR", "TITLE"), ((r["id"], _why(r), r["title"]) for r in rows), ""
    )


def _why(r: Row) -> str:
    parts = list(r["waiting_for"])
    if r["status"] == "blocked":
        parts.append(f"blocked: {r['reason'] or 'no reason given'}")
    return "; ".join(parts)


def findings_lines(findings: Iterable[Row]) -> list[str]:
    return [
        f"warning: {f['path']}: field '{f['field']}': {f['message']}\n  hint: {f['hint']}"
        for f in findings
    ]
