from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.errors import MilestoneError
from tests.analysis.plans import MONDAY

D = dt.date


def test_weekends_are_skipped() -> None:
    cal = WorkCalendar(MONDAY)

    assert [cal.day(i) for i in range(7)] == [
        D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6),
        D(2026, 11, 9), D(2026, 11, 10),
    ]  # fmt: skip
    assert cal.day(-1) == D(2026, 10, 30)  # the Friday before


def test_holidays_are_skipped() -> None:
    cal = WorkCalendar(MONDAY, holidays=[D(2026, 11, 3), D(2026, 11, 9)])

    assert [cal.day(i) for i in range(4)] == [
        D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6),
    ]  # fmt: skip
    assert cal.day(4) == D(2026, 11, 10)


def test_a_start_on_a_day_off_begins_on_the_next_working_day() -> None:
    cal = WorkCalendar(D(2026, 11, 7))  # Saturday

    assert cal.day(0) == D(2026, 11, 9)
    assert cal.day(-1) == D(2026, 11, 6)


def test_other_working_weeks() -> None:
    cal = WorkCalendar(MONDAY, working_days=["sun", "mon", "tue", "wed", "thu"])

    assert [cal.day(i).strftime("%a") for i in range(6)] == [
        "Mon", "Tue", "Wed", "Thu", "Sun", "Mon",
    ]  # fmt: skip


def test_deadlines_count_working_days_through_the_date() -> None:
    cal = WorkCalendar(MONDAY, hours_per_day=8)

    assert cal.deadline(D(2026, 11, 6)) == 5 * 480  # Friday: end of the 5th working day
    assert cal.deadline(D(2026, 11, 8)) == 5 * 480  # Sunday: same as Friday
    assert cal.deadline(D(2026, 11, 1)) == 0  # the Sunday before: due before any work
    assert cal.deadline(D(2026, 10, 29)) == -480  # Thursday before: one working day late


def test_dates_of_offsets() -> None:
    cal = WorkCalendar(MONDAY, hours_per_day=7.5)

    assert cal.day_minutes == 450
    assert cal.start_date(0) == MONDAY
    assert cal.finish_date(0, 450) == MONDAY  # one full day ends the same day
    assert cal.finish_date(0, 451) == D(2026, 11, 3)
    assert cal.finish_date(450 * 5, 450 * 5) == D(2026, 11, 6)  # zero length: as work ends
    assert cal.finish_date(0, 0) == MONDAY
    assert cal.start_date(450 * 5 - 1) == D(2026, 11, 6)


def test_config_gives_the_calendar() -> None:
    config = {
        "calendar": {"working_days": ["mon", "tue"], "hours_per_day": 6, "holidays": ["2026-11-03"]}
    }
    cal = WorkCalendar.from_config(config, MONDAY)

    assert cal.day(1) == D(2026, 11, 9)
    assert cal.day_minutes == 360
    assert cal.describe() == {
        "working_days": ["mon", "tue"],
        "hours_per_day": 6.0,
        "holidays": ["2026-11-03"],
    }


def test_no_working_days_is_an_error() -> None:
    with pytest.raises(MilestoneError) as err:
        WorkCalendar(MONDAY, working_days=[])
    assert err.value.field == "calendar.working_days"
    assert err.value.path == ".milestones/config/milestone-config.yaml"


def test_a_bad_holiday_names_the_field() -> None:
    with pytest.raises(MilestoneError) as err:
        WorkCalendar.from_config({"calendar": {"holidays": ["2026-02-30"]}}, MONDAY)
    assert err.value.field == "calendar.holidays"
    assert "'2026-02-30' is not a date" in err.value.message


@given(
    st.dates(D(2020, 1, 1), D(2030, 12, 31)),
    st.dates(D(2020, 1, 1), D(2030, 12, 31)),
    st.sets(st.sampled_from(range(7)), min_size=1),
)
def test_days_through_inverts_day(start: dt.date, date: dt.date, weekdays: set[int]) -> None:
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    cal = WorkCalendar(start, working_days=[names[i] for i in weekdays])
    n = cal.days_through(date)

    assert cal.day(n - 1) <= date < cal.day(n)


@given(
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1),
    st.lists(st.integers(-20, 400), max_size=6),
    st.lists(st.integers(0, 3000), min_size=1, max_size=5),
)
def test_far_days_are_the_days_counted_one_by_one(
    start: dt.date, days: set[str], holidays: list[int], wanted: list[int]
) -> None:
    """Past the days listed and the last holiday, days are counted by whole weeks: the same
    days as one by one (a short list here, so that most of them are counted)."""
    from gitmilestone.analysis import calendar

    listed_days, calendar.LISTED_DAYS = calendar.LISTED_DAYS, 5
    try:
        check_far_days(start, days, holidays, wanted)
    finally:
        calendar.LISTED_DAYS = listed_days


def check_far_days(start: dt.date, days: set[str], holidays: list[int], wanted: list[int]) -> None:
    cal = WorkCalendar(start, sorted(days), holidays=[start + dt.timedelta(d) for d in holidays])
    listed, day = [], start
    while len(listed) <= max(wanted):
        if cal.is_working(day):
            listed.append(day)
        day += dt.timedelta(days=1)
    assert [cal.day(i) for i in wanted] == [listed[i] for i in wanted]
    assert cal.deadline(listed[wanted[0]]) == (wanted[0] + 1) * cal.day_minutes
