"""The one clock: what "now" and "today" are for every command, hook and test.

GIT_MILESTONE_DATE sets it, as GIT_AUTHOR_DATE does for commits: to back-fill events, and so
that a test's dates do not depend on the day it runs. `dated` sets it for a block of code that
builds a history (the demo): each reading inside the block is 1 ms after the one before, so
the events recorded there keep their order. Stdlib only: the hooks read it on every commit.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

DATE_VARIABLE = "GIT_MILESTONE_DATE"
_DATED: contextvars.ContextVar[list[dt.datetime] | None] = contextvars.ContextVar(
    "dated", default=None
)


def now() -> dt.datetime:
    """The current time, UTC."""
    when = _next_dated() or configured() or dt.datetime.now(dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def stamp() -> str:
    """Now as events write it: UTC with milliseconds, so events recorded within one second
    keep their order and text order is time order across time zones."""
    return now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seconds() -> str:
    """Now as plan files write it (created_at, completed_at): UTC, whole seconds."""
    return stamp()[:19] + "Z"


def today() -> dt.date:
    """The calendar day now falls on, in the local time zone (due dates are local days)."""
    return now().astimezone().date()


def parse_stamp(text: str) -> dt.datetime:
    """A timestamp as events and trailers write it (`…Z` or an offset); naive means UTC.
    Raises ValueError for anything else."""
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def parse_day(text: object) -> dt.date:
    """The day a date or timestamp falls on (`2026-11-20`, `2026-11-20T10:00:00Z`).
    Raises ValueError for anything else."""
    return dt.date.fromisoformat(str(text).strip()[:10])


def configured() -> dt.datetime | None:
    """The time GIT_MILESTONE_DATE names, if it is set; a bad value is a MilestoneError."""
    text = os.environ.get(DATE_VARIABLE, "").strip()
    if not text:
        return None
    try:
        return parse_stamp(text)
    except ValueError:
        from gitmilestone.errors import MilestoneError

        raise MilestoneError(
            f"{DATE_VARIABLE}={text!r} is not a date or date-time",
            f"write it as 2026-11-20 or 2026-11-20T14:30:00+01:00, or unset {DATE_VARIABLE}",
        ) from None


@contextlib.contextmanager
def dated(when: dt.datetime) -> Iterator[None]:
    """Read the clock as `when` (then 1 ms later at each reading) inside the block."""
    token = _DATED.set([when])
    try:
        yield
    finally:
        _DATED.reset(token)


def _next_dated() -> dt.datetime | None:
    clock = _DATED.get()
    if clock is None:
        return None
    clock[0] += dt.timedelta(milliseconds=1)
    return clock[0]
