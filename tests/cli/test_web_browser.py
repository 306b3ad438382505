"""The web dashboard in a real browser (headless Chromium over the DevTools protocol).

Skipped when no Chromium is installed; on Debian: apt-get install chromium (CI does this), or
point $CHROMIUM at a Chromium or Chrome binary."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.chromium import Browser, find
from tests.cli.test_web_dashboard import HOSTILE, hostile  # noqa: F401 (a fixture)
from tests.conftest import git

BINARY = find()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="no Chromium: apt-get install chromium (or set CHROMIUM) to run"
)
SECTIONS = [
    "summary", "critical-path", "milestones", "gantt", "graph", "burndown", "forecast",
    "risks", "gates", "activity", "resume",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert BINARY is not None
    with Browser(BINARY) as b:
        yield b


def load_page(run_cli: Callable[..., Result], browser: Browser) -> tuple[Path, object]:
    path = Path(run_cli("dashboard", "--web").output.strip())
    return path, browser.load(path.as_uri())


def test_the_demo_dashboard_renders_its_data(
    demo: Path, run_cli: Callable[..., Result], browser: Browser
) -> None:
    path, loaded = load_page(run_cli, browser)

    assert loaded.console == [] and loaded.dialogs == []  # type: ignore[attr-defined]
    assert loaded.requests == [path.as_uri()]  # type: ignore[attr-defined]
    ids = browser.evaluate("[...document.querySelectorAll('main > section')].map(s => s.id)")
    assert ids == SECTIONS
    figures = browser.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#summary .figure')]"
        ".map(f => [f.dataset.name, f.querySelector('b').textContent]))"
    )
    status = json.loads(run_cli("status", "--json").output)
    done = sum(m["status"] == "completed" for m in status["milestones"])
    assert figures["progress"] == f"{status['progress']:.0f}%"
    assert figures["milestones"] == f"{done}/{len(status['milestones'])}"
    rows = browser.evaluate(
        "[...document.querySelectorAll('#milestones tr[data-id]')]"
        ".map(r => [r.dataset.id, r.querySelector('.pct').textContent])"
    )
    assert sorted(rows) == sorted([m["id"], f"{m['progress']:.0f}%"] for m in status["milestones"])


def test_the_critical_path_is_highlighted(
    demo: Path, run_cli: Callable[..., Result], browser: Browser
) -> None:
    load_page(run_cli, browser)
    cp = json.loads(run_cli("critical-path", "--json").output)

    red = browser.evaluate(
        "[...document.querySelectorAll('#gantt g.row.crit')].map(g => g.dataset.id)"
    )
    color = browser.evaluate("getComputedStyle(document.querySelector('#gantt g.crit .bar')).fill")
    assert set(red) == {i["id"] for i in cp["items"] if i["critical"]}
    assert {c["id"] for c in cp["critical_path"]} <= set(red)
    assert color == "rgb(211, 47, 47)"
    floats = browser.evaluate(
        "[...document.querySelectorAll('#gantt g.row:not(.crit)')].map(g => +g.dataset.float)"
    )
    assert floats and all(f > 0 for f in floats)
    states = browser.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#graph g.node')]"
        ".map(n => [n.dataset.id, n.classList[2]]))"
    )
    assert states["M-001"] == "done" and states["M-003/task-002"] == "blocked"
    assert states["M-005/task-001"] == "ready"


def test_planted_markup_never_runs(
    hostile: Path,  # noqa: F811 (the fixture imported above)
    run_cli: Callable[..., Result],
    browser: Browser,
) -> None:
    path, loaded = load_page(run_cli, browser)

    assert loaded.dialogs == []  # type: ignore[attr-defined]
    assert loaded.console == []  # type: ignore[attr-defined]
    assert loaded.requests == [path.as_uri()]  # type: ignore[attr-defined]
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.querySelectorAll('img, iframe, a').length") == 0
    text = browser.evaluate("document.querySelector('#milestones').textContent")
    assert HOSTILE in text  # shown as typed
    authors = browser.evaluate("document.querySelector('#activity').textContent")
    assert "<img src=x onerror=alert(2)>" in authors


@pytest.fixture
def served(own_demo: Path) -> Iterator[str]:
    cmd = [sys.executable, "-m", "gitmilestone", "dashboard", "--serve", "--port", "0"]
    proc = subprocess.Popen(
        cmd, cwd=own_demo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    try:
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_served_page_reloads_when_the_history_changes(
    own_demo: Path, served: str, browser: Browser
) -> None:
    assert served.startswith("http://127.0.0.1:")
    loaded = browser.load(served)
    assert loaded.console == [] and loaded.dialogs == []
    pct = "document.querySelector('#milestones tr[data-id=\"M-002\"] .pct').textContent"
    assert browser.evaluate(pct) == "29%"
    browser.evaluate("window.before = 1")
    (own_demo / "c.txt").write_text("c\n")
    git(own_demo, "add", "c.txt")
    git(own_demo, "commit", "-q", "-m", "Webhooks\n\nCompletes: M-002/task-003\n")

    deadline = time.monotonic() + 15
    while browser.evaluate("window.before") == 1 and time.monotonic() < deadline:
        time.sleep(0.2)

    assert browser.evaluate("window.before") is None  # the page reloaded itself
    deadline = time.monotonic() + 5
    while browser.evaluate("document.readyState") != "complete" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser.evaluate(pct) == "53%"
