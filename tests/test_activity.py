"""One readable, bounded line per event, whatever the event holds."""

from __future__ import annotations

from gitmilestone.core.activity import clean, log_line, summary
from gitmilestone.core.events import Event


def event(kind: str, **details: object) -> Event:
    return Event(
        "e1", "2026-11-02T10:00:00Z", kind, "M-001", "task-002", details, author="Ann <a@x>"
    )


def test_text_from_history_becomes_one_bounded_line() -> None:
    assert clean("two\nlines\x1b[31m  and\ttabs") == "two lines [31m and tabs"
    assert len(clean("x" * 10_000)) == 160
    assert clean(["a", "b"]) == "a; b"


def test_each_known_type_reads_as_a_sentence() -> None:
    assert summary(event("phase_completed", phase="design", gate="design_to_spec")) == (
        "Completed the design phase of M-001/task-002, waiting at gate design_to_spec"
    )
    assert summary(event("phase_approved", phase="spec", approver="lead@x")) == (
        "Approved the spec phase of M-001/task-002 (by lead@x)"
    )
    assert summary(event("time_logged", time_spent=1.5)) == "Logged 1.5h on M-001/task-002"
    assert summary(event("time_logged", time_spent="lots")) == "Logged ?h on M-001/task-002"
    assert summary(event("risk_closed", description="Vendor", notes="signed")) == (
        "Closed risk: Vendor — signed"
    )


def test_an_unknown_type_is_summarised_from_its_name() -> None:
    assert summary(event("budget_raised", notes="+10%")) == "Budget raised (M-001/task-002): +10%"
    line = log_line(event("budget_raised"))
    assert line.endswith("Budget raised (M-001/task-002)  (Ann)")
