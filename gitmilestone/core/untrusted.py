"""Checks for values that come from history: note lines, trailers and pause records arrive
from other people's clones, so each is validated here before anything reads it, prints it or
puts it on a git command line. Stdlib only and cheap (post-rewrite and pre-push read notes):
the event schema's rules (schemas/event.schema.json) checked by hand, without jsonschema."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

HEX = frozenset("0123456789abcdef")
OBJECT_ID_LENGTHS = (40, 64)  # SHA-1 and SHA-256 repositories
MAX_EVENT_HOURS = 100_000.0  # one note event (a whole session's time at most)
MAX_LINE = 256 * 1024  # one note line; a pause lists at most 200 paths of each kind
MAX_DEPTH = 8  # details nest a level or two; deeper is crafted
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_EVENT_ID = re.compile(r"[0-9a-f]{8,64}\Z")
_TYPE = re.compile(r"[a-z][a-z_]*\Z")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\Z")
_REF_BAD = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|/\.|\.lock(/|\Z)")


def is_object_id(value: object, length: int | None = None) -> bool:
    """A full object id (lowercase hex) of the repository's hash format, when `length` says
    which; else of either format."""
    if not isinstance(value, str):
        return False
    lengths = (length,) if length else OBJECT_ID_LENGTHS
    return len(value) in lengths and HEX.issuperset(value)


def is_branch_name(value: object) -> bool:
    """A name `git check-ref-format --branch` accepts (its rules, checked without running git):
    never an option, a revision expression or a path component starting with a dot."""
    if not isinstance(value, str) or not value or len(value) > 255:
        return False
    if value.startswith(("-", "/", ".")) or value.endswith(("/", ".")) or value == "@":
        return False
    return _REF_BAD.search(value) is None


def is_number(value: object, low: float = 0.0, high: float = math.inf) -> bool:
    """A finite JSON number (not a boolean) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and low <= value <= high


def _string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _counts(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    counts = value.get("counts", {})
    return isinstance(counts, dict) and all(is_number(n, 0, 1e9) for n in counts.values())


# details key -> (check, what it must be). Keys not listed are kept as they are: the format
# grows, and a newer clone's extra keys must not make an event unreadable.
_DETAILS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "progress_percentage": (lambda v: is_number(v, 0, 100), "a number 0..100"),
    "time_spent": (lambda v: is_number(v, 0, MAX_EVENT_HOURS), "hours, 0..100000"),
    "tasks_completed": (_string_list, "a list of strings"),
    "blockers_encountered": (_string_list, "a list of strings"),
    "next_steps": (_string_list, "a list of strings"),
    "notes": (lambda v: isinstance(v, str), "a string"),
    "trailer": (lambda v: isinstance(v, str), "a string"),
    "session": (lambda v: _nullable(_ID)(v) and v is not None, "a session ID"),
    "origin": (lambda v: isinstance(v, str), "a string"),
    "phase": (lambda v: isinstance(v, str), "a string"),
    "seq": (lambda v: is_number(v, 0, 1e9) and isinstance(v, int), "a whole number"),
    "head": (lambda v: v is None or is_object_id(v), "a commit id"),
    "snapshot": (lambda v: v is None or is_object_id(v), "a commit id"),
    "branch": (lambda v: v is None or is_branch_name(v), "a branch name"),
    "changes": (lambda v: v is None or _counts(v), "an object of path lists and counts"),
}


def _nullable(pattern: re.Pattern[str]) -> Callable[[object], bool]:
    return lambda v: v is None or (isinstance(v, str) and pattern.match(v) is not None)


_FIELDS: tuple[tuple[str, Callable[[Any], object], str], ...] = (
    ("id", lambda v: isinstance(v, str) and _EVENT_ID.match(v), "8 to 64 hex digits"),
    ("timestamp", lambda v: isinstance(v, str) and _STAMP.match(v), "an ISO 8601 date-time"),
    ("event_type", lambda v: isinstance(v, str) and _TYPE.match(v), "a lowercase name"),
    ("milestone_id", _nullable(_ID), "an ID or null"),
    ("task_id", _nullable(_ID), "an ID or null"),
    ("session_id", _nullable(_ID), "a session ID or null"),  # names refs/milestones/wip/<id>
    ("author", lambda v: v is None or isinstance(v, str), "a string or null"),
    ("commit", lambda v: v is None or is_object_id(v), "a commit id or null"),
    ("source", lambda v: v in ("trailer", "note"), "trailer or note"),
)


def event_problem(data: object, newest: int) -> str | None:
    """Why a decoded note line is not an event this version can read, or None."""
    if not isinstance(data, dict):
        return "not a JSON object"
    for key in ("id", "timestamp", "event_type"):
        if not isinstance(data.get(key), str):
            return f"field '{key}' is missing or not a string"
    version = data.get("v")
    if not is_number(version, 1, 1e9) or not isinstance(version, int):
        return "field 'v' is missing or not a whole number"
    if version > newest:
        return f"event format v{version} is newer than this git-milestone reads (v{newest})"
    for key, check, what in _FIELDS:
        if key in data and not _good(key, data[key], check):
            return f"field '{key}' is not {what}"
    details = data.get("details", {})
    if not isinstance(details, dict):
        return "field 'details' is not an object"
    if not _within(details, MAX_DEPTH):
        return f"field 'details' nests deeper than {MAX_DEPTH} levels"
    for key, value in details.items():  # a few keys each; most have no rule
        rule = _DETAILS.get(key)
        if rule is not None and not rule[0](value):
            return f"details.{key} is not {rule[1]}"
    return None


# (field, text) pairs found good before: authors, IDs, types and commits repeat across
# thousands of notes, and each is checked once. Bounded, like any cache of strangers' input.
_GOOD: set[tuple[str, str]] = set()
_UNIQUE = frozenset({"id", "timestamp"})  # one per event: nothing to gain by keeping them


def _good(key: str, value: object, check: Callable[[Any], object]) -> bool:
    if type(value) is not str or key in _UNIQUE:
        return bool(check(value))
    if (key, value) in _GOOD:
        return True
    if not check(value):
        return False
    if len(_GOOD) > 4096:
        _GOOD.clear()
    _GOOD.add((key, value))
    return True


def _within(value: dict[Any, Any] | list[Any], room: int) -> bool:
    """Whether `value` nests at most `room` levels (itself the first). Recursion stops at
    `room`, so a crafted line nesting 100k levels costs no more than one nesting 9."""
    for child in value.values() if isinstance(value, dict) else value:
        if isinstance(child, (dict, list)) and (room <= 1 or not _within(child, room - 1)):
            return False
    return True


def decode_line(line: str) -> tuple[Any, str | None]:
    """One note line -> (value, problem). Refuses what json.loads would crash on or accept
    too freely: undecodable bytes (read with surrogateescape), huge lines, deep nesting,
    NaN and infinities, integers too long to convert."""
    if len(line) > MAX_LINE:
        return None, f"line is longer than {MAX_LINE} characters"
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return None, "not valid UTF-8"
    try:
        return _decoder().decode(line), None
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as exc:  # JSONDecodeError, non-finite numbers, too many digits
        return None, f"not JSON ({getattr(exc, 'msg', None) or exc})"


_DECODER: Any = None


def _decoder() -> Any:
    """One decoder for every line (json.loads with these hooks would build one per call)."""
    global _DECODER
    if _DECODER is None:
        import json

        _DECODER = json.JSONDecoder(parse_constant=_refuse, parse_float=_finite)
    return _DECODER


def _refuse(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range")
    return value


_LAYOUT = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_LAYOUT.update({ord("\t"): "\t", ord("\n"): "\n"})
_ONE_LINE = {**_LAYOUT, ord("\t"): " ", ord("\n"): " "}


# What json leaves as it is (it escapes only the C0 controls) that a terminal may act on.
_C1_JSON = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0))}


def json_for_terminal(text: str) -> str:
    """JSON text with DEL and the C1 controls written as \\u escapes: the same JSON values,
    nothing a terminal could act on (a C1 control can start an escape sequence). Such
    characters stand only inside strings, so the text stays valid JSON."""
    if text.isascii() and "\x7f" not in text:
        return text  # the usual case, told in one pass
    if re.search("[\x7f-\x9f]", text) is None:
        return text
    return text.translate(_C1_JSON)


def printable(text: object, one_line: bool = True) -> str:
    """`text` safe to show in a terminal: control characters (escape sequences that could
    move the cursor, retitle the window or hide output) shown as \\xNN; tabs and line breaks
    become spaces unless the text is a block (`one_line=False`)."""
    return str(text).translate(_ONE_LINE if one_line else _LAYOUT)
