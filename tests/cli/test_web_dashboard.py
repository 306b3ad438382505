"""`dashboard --web`: one self-contained HTML file, every user string escaped; the server's
version endpoint; `--watch` redrawing after a real commit."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import webbrowser
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.cli.webdash import serving
from gitmilestone.commands.serve import Page, server
from gitmilestone.git.repo import discover
from gitmilestone.git.watch import changes
from gitmilestone.storage.store import Store
from tests.conftest import git


class Tags(HTMLParser):
    """Every element and attribute name a browser's parser would see."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def assert_nothing_to_fetch_or_run(html: str) -> None:
    parsed = Tags(html)
    assert not parsed.tags & {"img", "iframe", "object", "embed", "link", "a", "form", "base"}
    assert not {a for a in parsed.attributes if a.startswith("on")}
    assert not parsed.attributes & {"src", "href", "action", "srcdoc", "formaction"}


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>javascript:alert(3)'


@pytest.fixture
def hostile(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A plan whose every free-text field, and an author's name, tries to inject markup."""
    run_cli("new", f"T {HOSTILE}", "-d", HOSTILE, "--end", "2027-01-01", "--hours", "8")
    run_cli("new", "Next", "--requires", "M-001", "--end", "2027-02-01", "--hours", "8")
    run_cli("task", "add", "M-001", f"Task {HOSTILE}", "--hours", "4")
    run_cli("task", "add", "M-001", "Second", "--hours", "4")
    run_cli("task", "block", "M-001/task-002", "-r", HOSTILE)
    run_cli("risk", "add", "M-001", f"R {HOSTILE}", "-p", "0.9", "-i", "high", "-m", HOSTILE)
    monkeypatch.setenv("GIT_AUTHOR_NAME", HOSTILE)
    monkeypatch.setenv("GIT_COMMITTER_NAME", HOSTILE)
    (initialized / "a.txt").write_text("a\n")
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "-m", "Work\n\nTask: M-001/task-001\nTime-Spent: 1h\n")
    return initialized


def web_page(run_cli: Callable[..., Result]) -> tuple[Path, str]:
    result = run_cli("dashboard", "--web")
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    return path, path.read_text(encoding="utf-8")


def test_web_writes_one_self_contained_file(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Launch", "--end", "2027-01-01", "--hours", "8")

    path, html = web_page(run_cli)

    assert path == initialized / ".git/milestones/dashboard/index.html"
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]  # no temp file left
    assert_nothing_to_fetch_or_run(html)
    assert "default-src 'none'" in html
    for section in ("summary", "milestones", "gantt", "graph", "burndown", "forecast", "risks"):
        assert f'<section id="{section}"' in html
    assert "Launch" in html


def test_every_user_string_is_escaped(hostile: Path, run_cli: Callable[..., Result]) -> None:
    _, html = web_page(run_cli)

    assert html.count("<script") == 1  # ours, at the end
    assert "<img" not in html
    assert '"><img' not in html and "<script>alert" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html  # shown as typed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_nothing_to_fetch_or_run(html)


def test_the_server_answers_this_machine_only(tmp_path: Path) -> None:
    state = {"v": "one"}
    page = Page(lambda: state["v"], lambda v: f"<html data-version='{v}'>".encode())
    httpd = server(page, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        assert urllib.request.urlopen(f"{base}/version").read() == b"one"
        state["v"] = "two"
        assert urllib.request.urlopen(f"{base}/version").read() == b"two"
        assert b"two" in urllib.request.urlopen(f"{base}/").read()
        foreign = urllib.request.Request(f"{base}/", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(foreign)
        assert refused.value.code == 403
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def watcher(initialized: Path, run_cli: Callable[..., Result]) -> Iterator[subprocess.Popen[str]]:
    run_cli("new", "Launch", "--end", "2027-01-01", "--hours", "8")
    run_cli("task", "add", "M-001", "Build", "--hours", "4")
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "-m", "Plan")
    cmd = [sys.executable, "-m", "gitmilestone", "dashboard", "--watch", "--max-redraws", "2"]
    proc = subprocess.Popen(
        [*cmd, "--level", "simple"], cwd=initialized, stdout=subprocess.PIPE, text=True
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_watch_redraws_after_a_commit(initialized: Path, watcher: subprocess.Popen[str]) -> None:
    assert watcher.stdout is not None
    first = [watcher.stdout.readline() for _ in range(3)]
    assert first[0] == "MILESTONE PROGRESS DASHBOARD\n"
    time.sleep(0.2)
    (initialized / "b.txt").write_text("b\n")
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "-m", "Build it\n\nCompletes: M-001/task-001\n")

    rest, _ = watcher.communicate(timeout=20)

    assert watcher.returncode == 0
    second = rest[rest.rindex("MILESTONE PROGRESS DASHBOARD") :]
    assert "Completed M-001/task-001" in second
    assert "Overall Project: 100% Complete" in second


def test_dashboard_json_round_trips(initialized: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("dashboard", "--json").output)
    assert data["project"]["milestones"] == 0 and data["active"] == []


def test_open_hands_the_file_to_the_browser(
    initialized: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(seen)!r}, 'w').write(sys.argv[1])\n")
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read $BROWSER afresh

    result = run_cli("dashboard", "--open")

    assert result.exit_code == 0, result.output
    page = Path(result.output.strip())
    assert page.is_file()
    deadline = time.monotonic() + 10
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seen.read_text() == page.as_uri()


def test_watch_draws_then_waits_for_a_change(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("dashboard", "--watch", "--max-redraws", "1", "--level", "simple")
    assert result.output.startswith("MILESTONE PROGRESS DASHBOARD")
    assert "(watching for changes; Ctrl-C stops)" in result.stderr

    paths = discover(initialized)
    naps: list[float] = []

    def edit_while_asleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:  # nothing changed during the first look
            (initialized / ".milestones/active/M-009.yaml").write_text("x\n")

    looks = changes(paths, sleep=edit_while_asleep)
    first = next(looks)
    assert next(looks) != first
    assert naps == [0.5, 0.5]  # twice a second, never busier


def test_another_bind_address_needs_host_and_warns(initialized: Path) -> None:
    cmd = [sys.executable, "-m", "gitmilestone", "dashboard", "--serve", "--port", "0"]
    proc = subprocess.Popen(
        [*cmd, "--host", "0.0.0.0"], cwd=initialized, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        warning, serving = proc.stderr.readline(), proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert warning.startswith("warning: serving on 0.0.0.0: anyone who can reach")
    assert serving.startswith("Serving http://0.0.0.0:")


def test_the_page_lists_gates_waiting_for_approval(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth", "--end", "2027-01-01")
    run_cli("task", "add", "M-001", "Login API", "--hours", "10", "--phases")
    git(initialized, "add", "-A")
    git(initialized, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plan")
    for action in ("start", "complete"):
        assert run_cli("phase", action, "M-001/task-001").exit_code == 0

    _, html = web_page(run_cli)

    gates = html[html.index('<section id="gates"') :]
    gates = gates[: gates.index("</section>")]
    assert "<b>M-001/task-001</b> Login API: design done, gate design_to_spec waits for" in gates


def test_the_served_page_follows_the_plan(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Launch", "--end", "2027-01-01", "--hours", "8")
    httpd, url = serving(Store.open(initialized), None, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        first = urllib.request.urlopen(f"{url}version").read().decode()
        assert url.startswith("http://127.0.0.1:")
        assert f'data-version="{first}"' in urllib.request.urlopen(url).read().decode()
        run_cli("new", "Second launch", "--end", "2027-02-01", "--hours", "8")
        second = urllib.request.urlopen(f"{url}version").read().decode()
        assert second != first
        assert "Second launch" in urllib.request.urlopen(url).read().decode()
    finally:
        httpd.shutdown()
        httpd.server_close()
