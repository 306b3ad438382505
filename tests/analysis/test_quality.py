"""One test per lint rule: a milestone that passes every check, changed in one way, must show
exactly the rule that change breaks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitmilestone.analysis.quality import RULES, LintSettings, lint, locate
from gitmilestone.core.model import Milestone
from gitmilestone.storage.schema import line_of
from gitmilestone.storage.templates import MILESTONE_CONFIG
from gitmilestone.storage.yamledit import dump_new

GOOD: dict[str, Any] = {
    "schema_version": 1,
    "id": "M-002",
    "title": "Payments",
    "priority": "high",
    "timeline": {
        "estimated_start": "2026-11-02",
        "estimated_end": "2026-11-20",
        "estimated_hours": 40,
        "buffer_percentage": 20,
    },
    "success_criteria": ["p95 checkout latency under 300 ms"],
    "deliverables": [{"name": "Payments API", "type": "code", "path": "src/payments/"}],
    "dependencies": {"requires": ["M-001"]},
    "resources": {"team_members": ["alice"]},
    "risks": [
        {
            "id": "R-001",
            "description": "Provider API may change",
            "probability": 0.3,
            "impact": "high",
            "mitigation": "Adapter layer",
        }
    ],
    "tasks": [
        {"id": "task-001", "title": "Adapter", "estimated_hours": 8},
        {
            "id": "task-002",
            "title": "Checkout",
            "estimated_hours": 16,
            "dependencies": ["task-001"],
        },
    ],
}
BASE: dict[str, Any] = {
    "schema_version": 1,
    "id": "M-001",
    "title": "Auth",
    "tasks": [{"id": "task-001", "title": "Login", "estimated_hours": 8}],
}


def ms(data: dict[str, Any]) -> Milestone:
    return Milestone.from_dict(
        data, path=f".milestones/active/{data['id']}.yaml", location="active"
    )


def codes(
    data: dict[str, Any], settings: LintSettings | None = None, root: Path | None = None
) -> list[str]:
    target = ms(data)
    found = lint([target], [ms(BASE), target], settings or LintSettings(), root)
    return [f.code for f in found]


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_a_well_planned_milestone_passes_every_check() -> None:
    assert codes(GOOD) == []


def _dates(start: str, end: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["timeline"].update(estimated_start=start, estimated_end=end)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = d
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value

    return change


def _no_dates(d: dict[str, Any]) -> None:
    d["timeline"].update(estimated_start=None, estimated_end=None)


CASES: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("MS001", _dates("2026-11-02", "2026-12-18")),  # 7 weeks
    ("MS001", _dates("2026-11-02", "2026-11-06")),  # 1 week
    ("MS001", lambda d: (_no_dates(d), d["timeline"].update(estimated_hours=400))),  # 12 weeks
    (
        "MS001",
        lambda d: (_no_dates(d), d["timeline"].update(estimated_hours=0), d.update(tasks=[])),
    ),
    ("MS002", _set("success_criteria", [])),
    ("MS003", _set("success_criteria", ["Checkout works well"])),
    ("MS004", _set("dependencies.requires", ["M-404"])),
    ("MS004", _set("tasks.1.dependencies", ["task-404"])),
    (
        "MS005",
        lambda d: (
            _set("dependencies.requires", [])(d),
            _set("tasks.1.dependencies", ["task-001", "M-001/task-001"])(d),
        ),
    ),
    ("MS007", _set("risks", [])),
    ("MS008", _set("risks.0.mitigation", None)),
    ("MS009", _set("risks.0.probability", None)),
    ("MS010", _set("tasks.1.estimated_hours", 24)),
    ("MS011", _set("tasks.1.estimated_hours", None)),
    ("MS012", _set("timeline.buffer_percentage", 0)),
    ("MS013", _set("deliverables", [])),
    (
        "MS014",
        lambda d: (
            _set("priority", "critical")(d),
            _set("stakeholders", [{"name": "Dana", "expectations": "live by March"}])(d),
        ),
    ),
    ("MS019", _set("priority", "critical")),
    ("MS015", _set("resources", {"team_members": [], "skills_required": []})),
]


@pytest.mark.parametrize(("code", "change"), CASES)
def test_each_rule_reports_what_breaks_it(
    code: str, change: Callable[[dict[str, Any]], None]
) -> None:
    found = codes(changed(change))

    assert code in found
    related = {"MS014"} if code == "MS019" else set()  # both ask critical milestones for more
    assert set(found) <= {code, "MS011", "MS016", "MS005", "MS010", *related}  # nothing unrelated


def test_no_tasks_is_ms016() -> None:
    data = changed(_set("tasks", []))

    assert codes(data) == ["MS016"]


def test_a_completed_task_is_not_held_to_the_task_size_rules() -> None:
    data = changed(
        _set(
            "tasks.1",
            {"id": "task-002", "title": "X", "estimated_hours": 40, "status": "completed"},
        )
    )

    assert codes(data) == []


def test_duration_from_hours_uses_the_calendar() -> None:
    data = changed(_no_dates)  # 40 h + 20% = 48 h = 6 days of 8 h: 1.2 weeks
    long_days = LintSettings(hours_per_day=4)  # 12 days of 4 h: 2.4 weeks

    assert codes(data) == ["MS001"]
    assert codes(data, long_days) == []


def test_measurable_criteria_may_be_a_metric_or_say_all() -> None:
    metric = [{"description": "Checkout is fast", "metric": "p95_ms"}]

    assert codes(changed(_set("success_criteria", metric))) == []
    assert codes(changed(_set("success_criteria", ["All checkout flows pass"]))) == []


def test_task_assignees_count_as_resources() -> None:
    data = changed(lambda d: (d.update(resources={}), d["tasks"][0].update(assigned_to="alice")))

    assert codes(data) == []


def test_a_closed_risk_needs_no_mitigation() -> None:
    data = changed(lambda d: d["risks"][0].update(mitigation=None, status="closed"))

    assert codes(data) == []


def test_dependency_cycle_is_ms006_on_every_milestone_in_it() -> None:
    a = dict(BASE, dependencies={"requires": ["M-002"]})
    b = copy.deepcopy(GOOD)
    found = lint([ms(a), ms(b)], [ms(a), ms(b)], LintSettings())

    assert {(f.milestone, f.code) for f in found if f.code == "MS006"} == {
        ("M-001", "MS006"),
        ("M-002", "MS006"),
    }
    assert "M-001 -> M-002 -> M-001" in next(f.message for f in found if f.code == "MS006")


def test_deliverable_paths_outside_the_repository_are_ms017(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    phase = {"deliverables": [{"path": "link/spec.md"}]}
    data = changed(
        lambda d: (
            d["deliverables"].append({"name": "x", "path": "../secrets"}),
            d["tasks"][0].update(kiro_workflow={"enabled": True, "phases": {"spec": phase}}),
        )
    )
    found = lint([ms(data)], [ms(BASE), ms(data)], LintSettings(), root)

    assert [(f.code, f.field) for f in found] == [
        ("MS017", "deliverables[1].path"),
        ("MS017", "tasks[0].kiro_workflow.phases.spec.deliverables[0].path"),
    ]
    assert codes(data) == []  # without a root, paths are not checked


def test_severity_is_configurable_and_off_silences_a_rule() -> None:
    data = changed(_set("timeline.buffer_percentage", 0))

    assert [f.severity for f in lint([ms(data)], [ms(BASE), ms(data)], LintSettings())] == [
        "warning"
    ]
    stricter = LintSettings(severity={"MS012": "error"})
    assert [f.severity for f in lint([ms(data)], [ms(BASE), ms(data)], stricter)] == ["error"]
    assert codes(data, LintSettings(severity={"MS012": "off"})) == []


def test_limits_come_from_the_config() -> None:
    s = LintSettings.from_config(
        {"lint": {"max_task_hours": 24, "max_weeks": 8}, "calendar": {"hours_per_day": 6}}
    )

    assert (s.max_task_hours, s.max_weeks, s.hours_per_day, s.min_weeks) == (24, 8, 6, 2)
    assert codes(changed(_set("tasks.1.estimated_hours", 24)), s) == []


def test_default_severities_match_the_commented_config() -> None:
    config = yaml.safe_load(MILESTONE_CONFIG)["lint"]

    assert config["severity"] == {code: rule.severity for code, rule in RULES.items()}
    assert LintSettings.from_config({"lint": config}) == LintSettings(severity=config["severity"])


def test_findings_point_at_the_line_of_the_field() -> None:
    data = changed(_set("tasks.1.estimated_hours", 24))
    text = dump_new(data)
    found = locate(
        lint([ms(data)], [ms(BASE), ms(data)], LintSettings()), lambda _, w: line_of(text, w)
    )

    assert [(f.code, f.field) for f in found] == [("MS010", "tasks[1].estimated_hours")]
    assert text.splitlines()[found[0].line - 1].strip() == "estimated_hours: 24"  # type: ignore[operator]
