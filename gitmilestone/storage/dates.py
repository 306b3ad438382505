"""Dates that look right but do not exist (2026-13-01, 2026-02-30): the schemas check the
shape of a date with a pattern, this checks the calendar. Every field whose schema pattern is
a date (or a date and time) is checked, wherever it is in the file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}"


@cache
def date_fields(schema_text: bytes) -> frozenset[str]:
    """The property names whose schema pattern starts with a date."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and str(sub.get("pattern", "")).startswith(DATE_PATTERN):
                    found.add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(schema_text))
    return frozenset(found)


def bad_dates(
    data: Any, fields: frozenset[str], where: tuple[Any, ...] = ()
) -> Iterator[tuple[list[Any], str]]:
    """(path, value) of every date field whose value is not a real day or time."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in fields and isinstance(value, str) and not _real(value):
                yield [*where, key], value
            else:
                yield from bad_dates(value, fields, (*where, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from bad_dates(value, fields, (*where, n))


def _real(text: str) -> bool:
    try:
        dt.date.fromisoformat(text[:10])
        if len(text) > 10:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return False
    return True
