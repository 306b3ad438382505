"""Reading a Markdown outline: headings, bullets, estimates, people, dependencies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.core.outline import hours_of, parse, slug
from gitmilestone.errors import MilestoneError

OUTLINE = """\
# Shop relaunch

Intro text about the project is not part of any milestone.

## User authentication (40h) [high]
start: 2026-11-02
end: 2026-11-20
Sign-up, login and sessions.

- Database schema (6h) @alice
- JWT sessions (1d) after: #database-schema
- [x] Spike on providers (2h)
- Login endpoint (1h30m) @bob after: #jwt-sessions, M-001/task-002
  - rate limiting
  - lockout after 5 failures

### Success criteria
- p95 login latency under 200 ms

### Deliverables
- Auth API

## Payments after: #user-authentication
```
- not a task: inside a code block
```
1. Provider adapter (12h)
* Checkout (2d)
"""


def test_headings_are_milestones_and_bullets_tasks() -> None:
    auth, pay = parse(OUTLINE, "plan.md")

    assert (auth.item.title, auth.item.hours, auth.item.priority) == (
        "User authentication",
        40,
        "high",
    )
    assert auth.fields["start"] == "2026-11-02" and auth.fields["end"] == "2026-11-20"
    assert auth.description == ["Sign-up, login and sessions."]
    assert [t.title for t in auth.tasks] == [
        "Database schema",
        "JWT sessions",
        "Spike on providers",
        "Login endpoint",
    ]
    assert [t.title for t in pay.tasks] == ["Provider adapter", "Checkout"]
    assert pay.item.after == ["#user-authentication"]


def test_task_annotations() -> None:
    schema, jwt, spike, login = parse(OUTLINE, "plan.md")[0].tasks

    assert (schema.hours, schema.assignee, schema.after) == (6, "alice", [])
    assert (jwt.hours, jwt.after) == (8, ["#database-schema"])
    assert spike.done and not schema.done
    assert (login.hours, login.assignee) == (1.5, "bob")
    assert login.after == ["#jwt-sessions", "M-001/task-002"]
    assert login.notes == ["rate limiting", "lockout after 5 failures"]


def test_criteria_and_deliverables_sections() -> None:
    auth = parse(OUTLINE, "plan.md")[0]

    assert auth.criteria == ["p95 login latency under 200 ms"]
    assert auth.deliverables == ["Auth API"]


def test_top_level_headings_are_milestones_when_there_are_no_second_level_ones() -> None:
    found = parse("# One\n- a\n# Two\n- b\n", "plan.md")

    assert [s.item.title for s in found] == ["One", "Two"]


def test_a_day_follows_the_calendar() -> None:
    (sec,) = parse("## M\n- Long one (2d)\n", "plan.md", hours_per_day=6)

    assert sec.tasks[0].hours == 12


@pytest.mark.parametrize(
    ("text", "hours"),
    [("8h", 8), ("1.5h", 1.5), ("2d", 16), ("1h30m", 1.5), ("90m", 1.5), ("1d 4h", 12)],
)
def test_estimates(text: str, hours: float) -> None:
    assert hours_of(text, 8) == hours


@given(st.integers(0, 40), st.integers(0, 59))
def test_hours_and_minutes_add_up(h: int, m: int) -> None:
    assert hours_of(f"{h}h{m}m", 8) == pytest.approx(h + m / 60, abs=0.01)


def test_slugs_are_heading_anchors() -> None:
    assert slug("User authentication") == "user-authentication"
    assert slug("API: v2 (beta)!") == "api-v2-beta"


def test_a_bullet_before_any_milestone_is_refused_with_its_line() -> None:
    with pytest.raises(MilestoneError) as err:
        parse("# Project\n\n- stray task\n## M\n- ok\n", "plan.md")

    assert (err.value.path, err.value.line) == ("plan.md", 3)
    assert "before any milestone heading" in err.value.message


def test_an_outline_without_headings_is_refused() -> None:
    with pytest.raises(MilestoneError, match="no milestone headings"):
        parse("just text\n", "plan.md")
