"""The working calendar: which days count, how long a day is, and the mapping between dates and
offsets in working minutes from a start date. Integer minutes keep every sum exact."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from gitmilestone.errors import MilestoneError

CONFIG_PATH = ".milestones/config/milestone-config.yaml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ONE_DAY = dt.timedelta(days=1)
# Working days kept in a list (about 16 years of five-day weeks): a day among them is a lookup,
# as the schedule asks for tens of thousands; one further ahead is counted by whole weeks.
LISTED_DAYS = 4096


class WorkCalendar:
    """Working days from `start` on. Day index 0 is the first working day on or after `start`;
    negative indexes count back from there. Offsets are working minutes from day 0's start."""

    def __init__(
        self,
        start: dt.date,
        working_days: Iterable[str] = WEEKDAYS[:5],
        hours_per_day: float = 8,
        holidays: Iterable[dt.date] = (),
    ) -> None:
        self.weekdays = frozenset(WEEKDAYS.index(d) for d in working_days)
        if not self.weekdays:
            raise MilestoneError(
                "calendar.working_days is empty: no day to schedule work on",
                "list the working days, e.g. working_days: [mon, tue, wed, thu, fri]",
                path=CONFIG_PATH,
                field="calendar.working_days",
            )
        self.hours_per_day = float(hours_per_day)
        self.day_minutes = max(1, round(self.hours_per_day * 60))
        self.holidays = frozenset(holidays)
        self.start = start
        self._ahead: list[dt.date] = []  # working days from start on, ascending
        self._behind: list[dt.date] = []  # working days before start, descending
        self._next_ahead = start
        self._next_behind = start - _ONE_DAY
        self._listed = False  # every day to list is listed: further ones come from _beyond
        self._far: dict[int, dt.date] = {}  # days found by _beyond, asked again and again

    @classmethod
    def from_config(cls, config: Mapping[str, Any], start: dt.date) -> WorkCalendar:
        cal = config.get("calendar") or {}
        holidays = [_holiday(h) for h in cal.get("holidays") or () if h]
        return cls(
            start,
            cal.get("working_days") or WEEKDAYS[:5],
            cal.get("hours_per_day") or 8,
            holidays,
        )

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def day(self, index: int) -> dt.date:
        """The working day with this index (0 = first working day on or after start)."""
        if index >= 0:
            if index < len(self._ahead):
                return self._ahead[index]
            if not self._listed:
                self._grow_ahead_to(index + 1)
                if index < len(self._ahead):
                    return self._ahead[index]
            found = self._far.get(index)
            if found is None:
                found = self._far[index] = self._beyond(index)
            return found
        while len(self._behind) < -index:
            self._grow_behind()
        return self._behind[-index - 1]

    def days_through(self, date: dt.date) -> int:
        """Working days from day 0 through `date` (inclusive); for a date before the start,
        minus the working days after it and before the start."""
        if date >= self.start:
            while self._next_ahead <= date:
                self._grow_ahead()
            return bisect.bisect_right(self._ahead, date)
        while self._next_behind > date:
            self._grow_behind()
        # _behind is descending: the days after `date` are a prefix of it.
        return -bisect.bisect_left(self._behind, -date.toordinal(), key=_descending)

    def index_on_or_after(self, date: dt.date) -> int:
        """Index of the first working day on or after `date`."""
        return self.days_through(date - _ONE_DAY)

    # -- offsets in minutes -------------------------------------------------------------------

    def minutes(self, hours: float) -> int:
        return round(hours * 60)

    def deadline(self, date: dt.date) -> int:
        """Offset of the end of the working day `date` (work must be done by then)."""
        return self.days_through(date) * self.day_minutes

    def start_date(self, offset: int) -> dt.date:
        return self.day(offset // self.day_minutes)

    def finish_date(self, start: int, finish: int) -> dt.date:
        """The day work running from `start` to `finish` ends on: a finish at the end of a
        day is on that day. Zero-length work at the very start is on the first day."""
        if finish == start == 0:
            return self.day(0)
        return self.day(math.ceil(finish / self.day_minutes) - 1)

    def days(self, minutes: int) -> float:
        return round(minutes / self.day_minutes, 2)

    def describe(self) -> dict[str, Any]:
        return {
            "working_days": [WEEKDAYS[d] for d in sorted(self.weekdays)],
            "hours_per_day": self.hours_per_day,
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }

    # -- growth -------------------------------------------------------------------------------

    def _grow_ahead(self) -> None:
        day = self._next_ahead
        while not self.is_working(day):
            day += _ONE_DAY
        self._ahead.append(day)
        self._next_ahead = day + _ONE_DAY

    def _grow_ahead_to(self, count: int) -> None:
        """Working days ahead until there are `count`; past LISTED_DAYS, only until the last
        holiday is behind (from there `_beyond` counts by whole weeks: a plan of thousands
        of milestones in a row ends decades ahead)."""
        ahead, weekdays, holidays = self._ahead, self.weekdays, self.holidays
        last = max(holidays, default=dt.date.min)
        day = self._next_ahead
        while len(ahead) < count and not (len(ahead) >= LISTED_DAYS and ahead[-1] > last):
            if day.weekday() in weekdays and day not in holidays:
                ahead.append(day)
            day += _ONE_DAY
        self._next_ahead = day
        self._listed = len(ahead) < count

    def _beyond(self, index: int) -> dt.date:
        """Working day `index`, past the days listed and every holiday: each 7 days from a
        working day hold one of each working weekday."""
        known = len(self._ahead) - 1
        weeks, rest = divmod(index - known, len(self.weekdays))
        day = self._ahead[known] + dt.timedelta(weeks=weeks)
        while rest:
            day += _ONE_DAY
            rest -= day.weekday() in self.weekdays
        return day

    def _grow_behind(self) -> None:
        day = self._next_behind
        while not self.is_working(day):
            day -= _ONE_DAY
        self._behind.append(day)
        self._next_behind = day - _ONE_DAY


def _descending(day: dt.date) -> int:
    return -day.toordinal()


def parse_date(text: object, what: str, path: str | None = None) -> dt.date:
    """A YYYY-MM-DD value from a file or the command line, or a MilestoneError naming it."""
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise MilestoneError(
            f"'{text}' is not a date",
            "write dates as YYYY-MM-DD, e.g. 2026-12-18",
            path=path,
            field=what,
        ) from None


def _holiday(text: object) -> dt.date:
    return parse_date(text, "calendar.holidays", CONFIG_PATH)
