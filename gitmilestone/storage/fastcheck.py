"""The quick yes of schema checking: jsonschema-rs says whether a file is valid in
microseconds and imports several times faster. It only ever says yes: a file it
doubts goes to jsonschema, the reference, which finds and words the errors."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from gitmilestone.resources import schema_bytes

if TYPE_CHECKING:
    from jsonschema_rs import Validator

# What a JSON document holds. A tuple (YAML's `!!pairs` and `!!omap` make them) passes
# jsonschema-rs as an array where jsonschema calls it no array at all, so anything else goes to
# the reference.
_SCALARS = {str, int, float, bool, type(None)}


@functools.cache
def _validator(kind: str) -> Validator:
    import jsonschema_rs  # compiled, but still an import: only when validating

    return jsonschema_rs.Draft202012Validator(json.loads(schema_bytes(kind)))


def surely_valid(kind: str, data: Any) -> bool:
    """True when `data` is valid for schema `kind`; False means "ask jsonschema", which may
    still accept it (jsonschema-rs reads `\\d` and `$` as JSON Schema's regexes do, ASCII
    digits and no final newline, where jsonschema uses Python's)."""
    if not _plain_json(data):
        return False
    try:
        return _validator(kind).is_valid(data)
    except Exception:  # a type it cannot convert (a date, a non-string key) or any surprise:
        return False  # the reference decides, so the quick path can never accept more


def _plain_json(data: Any) -> bool:
    """Only mappings, lists and JSON scalars, exact types (no subclass passes for its base)."""
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif kind not in _SCALARS:
            return False
    return True
