"""`analyze`: each perspective of the report, and their independence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from gitmilestone.analysis.report import Inputs, analyze
from gitmilestone.core.model import Milestone, Settings
from gitmilestone.storage.templates import MILESTONE_CONFIG
from tests.analysis.plans import ANALYZE_SECTIONS

CONFIG = yaml.safe_load(MILESTONE_CONFIG)
TODAY = dt.date(2026, 11, 13)  # Friday of the second week


def ms(mid: str, **data: Any) -> Milestone:
    raw = {"schema_version": 1, "id": mid, "title": f"Title {mid}", **data}
    return Milestone.from_dict(raw, path=f".milestones/active/{mid}.yaml", location="active")


AUTH = ms(
    "M-001",
    timeline={
        "estimated_start": "2026-11-02",
        "estimated_end": "2026-11-20",
        "estimated_hours": 40,
        "buffer_percentage": 25,
        "optimistic_hours": 30,
        "most_likely_hours": 40,
        "pessimistic_hours": 62,
    },
    resources={"team_members": ["alice"], "shared": ["database"]},
    tasks=[{"id": "task-001", "title": "Login", "estimated_hours": 16, "status": "completed"}],
)
PAY = ms(
    "M-002",
    timeline={
        "estimated_start": "2026-11-16",
        "estimated_end": "2026-12-11",
        "estimated_hours": 60,
    },
    dependencies={"requires": ["M-001"], "external": ["provider contract"]},
    resources={"team_members": ["alice", "bob"], "shared": ["database"]},
    risks=[
        {"id": "R-001", "description": "API change", "probability": 0.3, "impact": "high"},
        {"id": "R-002", "description": "Staff", "probability": 0.1, "impact": "low"},
    ],
    tasks=[{"id": "task-001", "title": "Checkout", "dependencies": ["M-001/task-001"]}],
)


def report(
    targets: list[Milestone], config: dict[str, Any] = CONFIG, today: dt.date = TODAY
) -> dict[str, Any]:
    everyone = [AUTH, PAY]
    sections = analyze(Inputs(targets, everyone, config, Settings(), today))
    return {s.key: s for s in sections}


def notes(section: Any, subject: str) -> list[str]:
    return next(e.notes for e in section.entries if e.subject == subject)


def test_sections_in_order() -> None:
    assert list(report([AUTH])) == ANALYZE_SECTIONS


def test_timeline_reads_dates_hours_capacity_pace_and_pert() -> None:
    found = notes(report([AUTH])["timeline"], "M-001")

    assert found[0] == "2026-11-02 -> 2026-11-20 · 2.7 weeks · 40 h + 25% buffer = 50 h"
    assert "tasks add up to 16 h, 24 h under the estimate" in found
    assert "15 working days; alice 120 h = 120 h: fits (70 h spare)" in found
    assert "58% of its time has passed, 100% done: on pace" in found
    assert "PERT: expected 42.0 h ± 5.3 h (O 30, M 40, P 62)" in found


def test_timeline_says_when_a_milestone_falls_behind_or_is_overdue() -> None:
    behind = notes(report([PAY], today=dt.date(2026, 12, 1))["timeline"], "M-002")
    overdue = notes(report([PAY], today=dt.date(2026, 12, 14))["timeline"], "M-002")

    assert "58% of its time has passed, 0% done: behind by 58 points" in behind
    assert "overdue by 3 days at 0% done" in overdue
    assert "20 working days; alice 160 h + bob 160 h = 320 h: fits (260 h spare)" in behind


def test_dependencies_and_risk() -> None:
    section = report([AUTH, PAY])["dependencies_and_risk"]

    assert notes(section, "M-001")[0] == "requires nothing; enables M-002"
    pay = notes(section, "M-002")
    assert pay[0] == "requires M-001; enables nothing"
    assert "starts 2026-11-16 but M-001 is due 2026-11-20: work may wait on it" in pay
    assert "open risks: 1 high, 1 low; exposure 1" in pay
    assert "HIGH M-002/R-001: API change (NO MITIGATION)" in pay


def test_integration_shows_shared_tasks_people_and_resources() -> None:
    found = notes(report([PAY])["integration"], "M-002")

    assert found == [
        "builds on M-001",
        "M-002/task-001 depends on M-001/task-001",
        "external: provider contract",
        "alice is also on M-001 at the same time",
        "shares database with M-001",
    ]


def test_integration_names_the_milestones_that_build_on_it() -> None:
    assert notes(report([AUTH])["integration"], "M-001")[0] == "M-002 builds on it"


def test_quality_summarises_the_lint_findings() -> None:
    found = notes(report([PAY])["quality"], "M-002")

    assert found[0].startswith("1 error")
    assert "MS002 error: no success criteria" in found


def test_a_section_that_cannot_be_produced_does_not_hide_the_others() -> None:
    broken = {**CONFIG, "calendar": {**CONFIG["calendar"], "holidays": ["2026-02-30"]}}

    sections = report([AUTH], broken)

    assert sections["timeline"].error is not None
    assert "2026-02-30" in sections["timeline"].error
    assert all(sections[k].error is None for k in ("dependencies_and_risk", "integration"))
    assert sections["quality"].entries


def test_capacity_counts_each_persons_hours_and_days_off() -> None:
    config = {
        **CONFIG,
        "resources": {
            "team_members": [
                {"name": "alice", "hours_per_week": 20, "days_off": ["2026-11-16"]},
                {
                    "name": "bob",
                    "hours_per_week": 40,
                    "days_off": [{"from": "2026-11-30", "to": "2026-12-11"}],
                },
            ]
        },
    }
    heavy = ms(
        "M-003",
        timeline={
            "estimated_start": "2026-11-16",
            "estimated_end": "2026-11-27",
            "estimated_hours": 120,
        },
        tasks=[
            {"id": "task-001", "title": "A", "estimated_hours": 80, "assigned_to": "alice"},
            {"id": "task-002", "title": "B", "estimated_hours": 40, "assigned_to": "bob"},
        ],
    )
    found = notes(report([heavy], config=config)["timeline"], "M-003")
    # alice: 9 working days at 4 h; bob: 10 at 8 h
    assert "10 working days; alice 36 h + bob 80 h = 116 h: 4 h short" in found
    assert "alice: 80 h of tasks, 36 h available: overbooked by 44 h" in found


def test_capacity_without_people_says_how_many_are_needed() -> None:
    lone = ms(
        "M-004",
        timeline={
            "estimated_start": "2026-11-16",
            "estimated_end": "2026-11-20",
            "estimated_hours": 100,
        },
    )
    found = notes(report([lone])["timeline"], "M-004")
    assert "5 working days x 8 h = 40 h per person, nobody assigned: needs 3 people" in found


def task(tid: str, hours: float, **extra: Any) -> dict[str, Any]:
    return {"id": tid, "title": f"Task {tid}", "estimated_hours": hours, **extra}


WEB = ms(
    "M-005",
    category="frontend",
    timeline={"estimated_start": "2026-10-26", "estimated_end": "2026-11-20"},
    deliverables=[{"name": "Sign-up page", "type": "code"}],
    tasks=[
        task("task-001", 16, status="completed", completed_at="2026-11-06T10:00:00Z"),
        task("task-002", 40, assigned_to="carol"),
        task("task-003", 8, assigned_to="carol", skills=["api"]),
        task("task-004", 8, labels=["deploy"], status="blocked", blocked_reason="no cluster"),
    ],
)
GLUE = ms("M-006", dependencies={"requires": ["M-005"]}, tasks=[task("task-001", 8)])
NEXT = ms("M-007", dependencies={"requires": ["M-006"]}, deliverables=[{"name": "x"}])


def perspective(key: str, targets: list[Milestone]) -> Any:
    sections = analyze(Inputs(targets, [WEB, GLUE, NEXT], CONFIG, Settings(), TODAY))
    return next(s for s in sections if s.key == key)


def actions(section: Any, subject: str) -> list[str]:
    return next(e.actions for e in section.entries if e.subject == subject)


def test_decomposition_finds_large_tasks_and_milestones_without_value() -> None:
    section = perspective("decomposition", [WEB, GLUE])

    assert "task-002 is 40 h, over 16 h" in notes(section, "M-005")
    assert "task-002 holds 56% of the work" in notes(section, "M-005")
    assert actions(section, "M-005") == ["split task-002 (Task task-002) into tasks of 1-2 days"]
    assert "delivers nothing of its own: no deliverables" in notes(section, "M-006")
    assert actions(section, "M-006") == [
        'name what it delivers: git milestone deliverable add M-006 "...", or merge it into'
        " M-007, which builds on it"
    ]


def test_progress_measures_velocity_and_what_trends_late() -> None:
    section = perspective("progress", [WEB])

    web = next(e for e in section.entries if e.subject == "M-005")
    assert web.data["velocity_hours_per_week"] == 4  # 16 h done in the last 4 weeks
    assert web.data["hours_left"] == 56 and web.data["trending_late"] is True
    assert "trending late: at this pace done about 2027-02-19, after its end 2026-11-20" in (
        web.notes
    )
    assert web.actions[0].startswith("add people, cut scope, or move timeline.estimated_end")
    assert notes(section, "project")[0] == "velocity 4 h/week over the last 4 weeks; 64 h left"


def test_domains_group_work_by_category_skills_and_labels() -> None:
    section = perspective("domains", [WEB, GLUE])

    assert [e.subject for e in section.entries] == [
        "frontend",
        "backend",
        "infrastructure",
        "other",
    ]
    assert notes(section, "frontend")[0] == "2 tasks, 1 done, 40 h open (category of M-005)"
    assert "all assigned frontend work is on carol" not in notes(section, "frontend")
    assert notes(section, "backend") == ["1 task, 0 done, 8 h open"]
    infra = notes(section, "infrastructure")
    assert "8 h of infrastructure work has no one assigned" in infra
    assert "M-005/task-004 is blocked: no cluster" in infra
    assert actions(section, "infrastructure")[-1] == "unblock M-005/task-004 or plan around it"
    assert notes(section, "other")[0] == "1 task, 0 done, 8 h open (category of M-006)"
