"""The README says what the code does: its trailer examples parse, its command table lists
every command, its test command is the one CI runs, and its links lead to files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitmilestone.cli import COMMANDS
from gitmilestone.core.trailers import TRAILER_KEYS, check_trailer, ours, parse_trailer_block

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = ".venv/bin/python -m pytest -n 2 --cov --cov-fail-under=85"


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _fenced(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S)


def test_the_readme_stays_an_entry_point() -> None:
    assert len(README.splitlines()) <= 250


def test_the_trailer_example_is_accepted_as_written() -> None:
    example = _fenced(_section("Trailers"))[0]
    block = example.split("\n\n")[-1]
    trailers = ours(parse_trailer_block(block))
    assert [k for k, _ in trailers] == ["Completes", "Progress", "Time-Spent", "Blocker"]
    for key, value in trailers:
        check_trailer(key, value)  # raises on anything the commit-msg hook would reject


def test_the_trailer_table_names_every_key_with_an_accepted_form() -> None:
    rows = re.findall(r"^\| `([A-Za-z-]+): ([^`]*)` \|", _section("Trailers"), flags=re.M)
    assert [k for k, _ in rows] == list(TRAILER_KEYS)
    samples = {"<ID>": "M-001", "<task-id>": "task-003", "<0-100>": "40"}
    samples |= {"<duration>": "1h30m", "<text>": "waiting for review"}
    for key, form in rows:
        value = form
        for placeholder, sample in samples.items():
            value = value.replace(placeholder, sample)
        check_trailer(key, value)


@pytest.mark.parametrize("value", ["1h30m", "2h", "45m", "1.5h", "1d"])
def test_the_durations_the_readme_shows_parse(value: str) -> None:
    assert f"`{value}`" in _section("Trailers")
    check_trailer("Time-Spent", value)


def test_the_command_table_has_one_row_per_command() -> None:
    rows = re.findall(r"^\| `([a-z-]+)[^`]*` \|", _section("Commands"), flags=re.M)
    assert rows == list(COMMANDS)


def test_quick_start_runs_what_ci_runs() -> None:
    quick = _fenced(_section("Quick start"))[0].splitlines()
    assert quick[0].startswith("./install.sh && git milestone demo ")
    assert quick[1].startswith(f"./install.sh --dev && {TEST_COMMAND} ")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == f"./install.sh --dev && {TEST_COMMAND}"


def test_links_lead_to_files() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if not target.startswith("http"):
                assert (doc.parent / target).exists(), f"{doc.name}: {target}"
