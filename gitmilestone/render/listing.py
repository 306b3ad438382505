"""`list`'s table: from the rows the list view keeps, with nothing else loaded (the
executable prints it without the model, see launch.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def list_lines(rows: Iterable[dict[str, Any]]) -> list[str]:
    rows = list(rows)
    if not rows:
        return ["No milestones match."]
    head = ("ID", "STATUS", "PRIORITY", "CATEGORY", "PROGRESS", "DUE", "TITLE")
    table = [head] + [
        (
            r["id"],
            r["status"],
            r["priority"],
            r["category"],
            f"{r['progress']:.0f}%",
            r["estimated_end"] or "-",
            r["title"],
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(head) - 1)]
    return [
        "  ".join(f"{c!s:<{w}}" for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in table
    ]
