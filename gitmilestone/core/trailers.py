"""The trailer vocabulary (docs/concepts.md): checking `Milestone:`, `Task:`, `Completes:`,
`Progress:`, `Time-Spent:` and `Blocker:` values and turning a commit's trailers into event
records. Light on purpose: the commit hooks import this module, and not events.py, and it
imports nothing itself (no re, json, hashlib or typing), because on a slow disk every module
costs a hook milliseconds on every commit.
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy treats this name as True; at run time typing stays unimported
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    # A trailer block's events apart from their commit: (index, key, value, fields), errors.
    Plan = tuple[list[tuple[int, str, str, dict[str, Any]]], list[str]]

TRAILER_KEYS = ("Milestone", "Task", "Completes", "Progress", "Time-Spent", "Blocker")
# How a reader asks `git log` for a commit: id, author date (UTC, as events write their
# timestamps), author, then the trailer block, each field ended by NUL (with `-z`, so is each
# record). git cuts a message at its first NUL, so a field never holds one, while a trailer
# may hold any other control character.
COMMIT_FIELDS = "%H%x00%ad%x00%an <%ae>%x00"
LOG_DATE = "--date=format-local:%Y-%m-%dT%H:%M:%S.000Z"  # with TZ=UTC in git's environment
DIGITS = "0123456789"
_ID_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + DIGITS)
_ID_CHARS = _ID_START | frozenset("_-")


class TrailerError(ValueError):
    """A milestone trailer whose value does not follow the trailer syntax."""


def is_id(text: str) -> bool:
    """A milestone or task ID: a letter or digit, then letters, digits, `_` and `-`."""
    return bool(text) and text[0] in _ID_START and all(c in _ID_CHARS for c in text)


def event_id(*parts: str) -> str:
    """Stable id: the same fact recorded twice (trailer and note, two clones) collapses."""
    return str((_SHA1 or _sha1())("\x1f".join(parts).encode("utf-8")).hexdigest()[:20])


def _sha1() -> Any:
    """CPython's built-in SHA-1 loads in microseconds; hashlib first loads OpenSSL."""
    global _SHA1
    if _SHA1 is None:
        try:
            from _sha1 import sha1  # type: ignore[import-not-found]
        except ImportError:  # pragma: no cover - interpreters built without it
            from hashlib import sha1
        _SHA1 = sha1
    return _SHA1


_SHA1: Any = None


_UNITS = (("d", 8.0, True), ("h", 1.0, True), ("m", 1 / 60, False))
# One Time-Spent trailer states at most this many hours: more is a typo (or a crafted value
# that would overflow every sum read from history), refused by commit-msg, skipped on reading.
MAX_TRAILER_HOURS = 1000.0
_MAX_DIGITS = 12


def parse_duration(text: str) -> float:
    """`1h30m`, `2h`, `45m`, `1d` (8 working hours), `1.5h` -> hours."""
    rest, total, found = text.strip(), 0.0, False
    for unit, scale, decimal in _UNITS:
        rest = rest.lstrip()
        number, tail = _leading_number(rest, decimal)
        if number and tail.startswith(unit):
            total, rest, found = total + float(number) * scale, tail[1:], True
    if rest.strip() or not found:
        raise TrailerError(f"'{text[:40]}' is not a duration like 1h30m, 2h or 45m")
    if not 0 <= total <= MAX_TRAILER_HOURS:  # also NaN, which compares false
        raise TrailerError(f"'{text[:40]}' is more than {MAX_TRAILER_HOURS:g}h in one trailer")
    return round(total, 4)


def _leading_number(text: str, decimal: bool) -> tuple[str, str]:
    """The number `text` starts with (`12`, or `1.5` where decimals are allowed), and the rest."""
    end = 0
    while end < len(text) and (text[end] in DIGITS or (decimal and text[end] == ".")):
        end += 1
    whole, dot, fraction = text[:end].partition(".")
    if not whole or (dot and not fraction) or "." in fraction:
        return "", text
    if len(whole) > _MAX_DIGITS or len(fraction) > _MAX_DIGITS:
        return "", text
    return text[:end], text[end:]


def format_duration(hours: float) -> str:
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    return f"{whole}h{minutes}m" if minutes else f"{whole}h"


def check_trailer(key: str, value: str) -> tuple[str, ...]:
    """The parts of one of our trailers; raises TrailerError when malformed."""
    value = value.strip()
    if key == "Time-Spent":
        return (format_duration(parse_duration(value)),)
    if key == "Blocker":
        if not value:
            raise TrailerError("Blocker: needs a description")
        return (value,)
    if key not in _EXPECTED:
        return (value,)
    parts = _linking_parts(key, value)
    if parts is None:
        raise TrailerError(f"{key}: '{value}' is malformed; expected {_EXPECTED[key]}")
    if key == "Progress" and int(parts[2]) > 100:
        raise TrailerError(f"Progress: {value}: a percentage is 0..100")
    return parts


def _linking_parts(key: str, value: str) -> tuple[str, ...] | None:
    """`M-001` / `M-001/task-3` / `M-001/task-3 40%` split into their parts, or None."""
    if key == "Milestone":
        return (value,) if is_id(value) else None
    ref, *rest = value.split() or [""]
    pct = ""
    if key == "Progress":
        if len(rest) != 1:
            return None
        pct = rest[0].removesuffix("%")
        if not (1 <= len(pct) <= 3 and all(c in DIGITS for c in pct)):
            return None
    elif rest:
        return None
    parts = tuple(ref.split("/"))
    if len(parts) != 2 or not all(map(is_id, parts)):
        return None
    return (*parts, pct) if key == "Progress" else parts


_EXPECTED = {
    "Milestone": "Milestone: <ID>",
    "Task": "Task: <ID>/<task-id>",
    "Completes": "Completes: <ID>/<task-id>",
    "Progress": "Progress: <ID>/<task-id> <0-100>",
}


_CANON = {k.lower(): k for k in TRAILER_KEYS}


def ours(trailers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Only our trailer keys (git compares trailer keys case-insensitively)."""
    return [(_CANON[k.lower()], v.strip()) for k, v in trailers if k.lower() in _CANON]


def parse_trailer_block(text: str) -> list[tuple[str, str]]:
    """Lines of `git interpret-trailers --parse` / `%(trailers:only,unfold)` -> (key, value).
    Split at newlines alone, as git writes them: str.splitlines would also split at the
    separators (RS, GS, FS...) a crafted value may hold, and read a part of it as the value."""
    out = []
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip():
            out.append((key.strip(), value.strip()))
    return out


def trailer_records(
    sha: str, timestamp: str, author: str, trailers: Iterable[tuple[str, str]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The events a commit's trailers state, as event-format dicts, and a message for each
    malformed trailer."""
    plans, errors = plan_block(tuple(trailers))
    records = []
    for index, key, value, fields in plans:
        record = {**fields, "details": dict(fields["details"])}
        record.update(id=event_id(sha, str(index), key, value), timestamp=timestamp)
        record.update(author=author, commit=sha, source="trailer", session_id=None, v=1)
        records.append(record)
    return records, [f"commit {sha[:10]}: {err}" for err in errors]


_PLANS: dict[tuple[tuple[str, str], ...], Plan] = {}


def plan_block(trailers: tuple[tuple[str, str], ...]) -> Plan:
    """What a trailer block says, apart from the commit it is on. Remembered: a long history
    repeats the same blocks (`Task: M-001/task-3`) thousands of times."""
    known = _PLANS.get(trailers)
    if known is None:
        if len(_PLANS) > 4096:
            _PLANS.clear()
        known = _PLANS[trailers] = _make_plan(trailers)
    return known


def _make_plan(trailers: tuple[tuple[str, str], ...]) -> Plan:
    errors: list[str] = []
    context: tuple[str | None, str | None] = (None, None)
    parsed = []
    for index, (key, value) in enumerate(ours(trailers)):
        try:
            parts = check_trailer(key, value)
        except TrailerError as err:
            errors.append(str(err))
            continue
        parsed.append((index, key, value, parts))
        if key == "Milestone" and context[0] is None:
            context = (parts[0], None)
        elif key in ("Task", "Completes", "Progress") and context[1] is None:
            context = (parts[0], parts[1])
    plans = [(i, k, v, _trailer_record(i, k, v, p, context)) for i, k, v, p in parsed]
    return plans, errors


def _trailer_record(
    index: int,
    key: str,
    value: str,
    parts: tuple[str, ...],
    context: tuple[str | None, str | None],
) -> dict[str, Any]:
    milestone, task = context
    details: dict[str, Any] = {"trailer": f"{key}: {value}"}
    if key == "Milestone":
        kind, milestone, task = "commit_linked", parts[0], None
    elif key == "Task":
        kind, milestone, task = "task_worked", parts[0], parts[1]
    elif key == "Completes":
        kind, milestone, task = "task_completed", parts[0], parts[1]
        details["tasks_completed"] = [f"{parts[0]}/{parts[1]}"]
    elif key == "Progress":
        kind, milestone, task = "progress_updated", parts[0], parts[1]
        details["progress_percentage"] = int(parts[2])
    elif key == "Time-Spent":
        kind = "time_logged"
        details["time_spent"] = parse_duration(parts[0])
    else:
        kind = "blocker_reported"
        details["blockers_encountered"] = [parts[0]]
    return {"event_type": kind, "milestone_id": milestone, "task_id": task, "details": details}


def to_json(record: Mapping[str, Any]) -> str:
    """One line of a note: keys sorted, no spaces, so equal events are equal lines. The same
    text `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes, without
    importing json (which brings re along) on the commit path."""
    try:
        return _encode(record)
    except TypeError:  # a value only json knows how to write (or refuse)
        import json

        return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _encode(value: object) -> str:
    if value is None or value is True or value is False:
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float) and value - value == 0:  # finite: NaN and inf go to json
        return repr(value)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):  # as json's
        pairs = sorted(value.items())
        return "{" + ",".join(f"{_quote(k)}:{_encode(v)}" for k, v in pairs) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    raise TypeError(type(value).__name__)


# What json.dumps(ensure_ascii=False) escapes: quote, backslash and the C0 controls.
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _quote(text: str) -> str:
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return '"' + "".join(_ESCAPES.get(c) or _control(c) for c in text) + '"'


def _control(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) < 0x20 else char
