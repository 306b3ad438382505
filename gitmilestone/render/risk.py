"""Risk register views as lines: the list, the probability x impact matrix, status alerts."""

from __future__ import annotations

from collections.abc import Sequence

from gitmilestone.analysis.risk import (
    BANDS,
    IMPACTS,
    Risk,
    Thresholds,
    band_label,
    cell_level,
    matrix,
)


def _score(r: Risk) -> str:
    return f"{r.score:.2f}" if r.score is not None else "-"


def list_lines(risks: Sequence[Risk], thresholds: Thresholds) -> list[str]:
    if not risks:
        return ['No risks match. Add one with: git milestone risk add ID "..." -p 0.3 -i high']
    head = ("RISK", "LEVEL", "SCORE", "P", "IMPACT", "STATUS", "OWNER", "DESCRIPTION")
    rows = [head] + [
        (
            r.ref,
            thresholds.level(r.score) or "-",
            _score(r),
            f"{r.probability:g}" if r.probability is not None else "-",
            r.impact or "-",
            r.status,
            r.owner or "-",
            r.description,
        )
        for r in risks
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head) - 1)]
    out = []
    for i, row in enumerate(rows):
        out.append(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        )
        if i:
            r = risks[i - 1]
            plan = r.mitigation or "none (lint MS008)"
            out.append(" " * (widths[0] + 2) + f"mitigation: {plan}")
    return out


def matrix_lines(risks: Sequence[Risk], thresholds: Thresholds) -> list[str]:
    grid = matrix(risks)
    shown = sum(len(refs) for row in grid.values() for refs in row.values())
    cells = {
        (band_label(b), i): f"{cell_level(b, i, thresholds)[0].upper()} "
        + (", ".join(grid[band_label(b)][i]) or ".")
        for b in BANDS
        for i in IMPACTS
    }
    width = max(14, *(len(c) + 2 for c in cells.values()))
    lines = [
        f"RISK MATRIX: probability x impact ({shown} active risk{'s' if shown != 1 else ''})",
        "",
        "probability  " + "".join(i.ljust(width) for i in IMPACTS).rstrip(),
    ]
    for b in BANDS:
        label = band_label(b)
        lines.append(
            f"{label:<13}" + "".join(cells[label, i].ljust(width) for i in IMPACTS).rstrip()
        )
    lines += [
        "",
        f"H high (score >= {thresholds.high:g}), M medium (>= {thresholds.medium:g}), L low;"
        " score = probability x impact (low 1, medium 2, high 3)",
    ]
    return lines


def alert_lines(alerts: Sequence[Risk], thresholds: Thresholds) -> list[str]:
    """The RISK ALERTS block `status` appends; nothing when there is no alert."""
    if not alerts:
        return []
    width = max(len(r.ref) for r in alerts)
    lines = ["", "RISK ALERTS"]
    for r in alerts:
        level = (thresholds.level(r.score) or "-").upper()
        plan = f"mitigation: {r.mitigation}" if r.mitigation else "no mitigation"
        lines.append(
            f"  {level:<6} {r.ref:<{width}}  {r.description} "
            f"(p={r.probability:g} x {r.impact} = {_score(r)}; {plan})"
        )
    return lines
