"""The workspace of one command: where the repository is, its plan files, and the event log,
each read at most once.

A command makes one Workspace and hands it to every use case it calls. The event log (commit
trailers on HEAD's history through the local cache, the notes, the events waiting for a
commit) is read the first time something asks for it and kept for the rest of the command,
so `status` reads the notes once although progress, time and sessions all need them.
Problems met reading history (a bad trailer, a damaged note line) are reported once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gitmilestone.core import clock
from gitmilestone.git import runner
from gitmilestone.git.repo import RepoPaths, discover
from gitmilestone.storage.store import Store

if TYPE_CHECKING:
    from gitmilestone.core.events import Event
    from gitmilestone.core.model import Milestone

T = TypeVar("T")


class EventLog:
    """The facts of one command's history (see Workspace.log)."""

    def __init__(
        self,
        scoped: list[Event],
        elsewhere: list[Event],
        problems: list[str],
        activity: Callable[[int], list[tuple[str, str, int]]],
        trailers: list[Event],
        note_lines: dict[int, tuple[Event, str]] | None = None,
    ) -> None:
        self.scoped = scoped  # the facts that count on HEAD's history (the branch rule)
        self._elsewhere = elsewhere  # notes attached to commits not on this history
        self.problems = problems  # lines of history that were skipped, and why
        self.activity = activity  # commits since a time: see logcache
        self.trailers = trailers  # the trailer events alone (all on HEAD's history)
        # Each note event's line (id(event) -> (event, line)), where asked (lines_wanted).
        self.note_lines = note_lines or {}

    @cached_property
    def every(self) -> list[Event]:
        """Every note, wherever it is attached, with HEAD's trailers: merged only when asked
        (sessions and diff ask; `log` does not, and a long history makes merging cost)."""
        from gitmilestone.core.events import merge

        # A carried event has one id on two commits; the one on this history is kept.
        return merge(self.scoped, self._elsewhere)


class Workspace:
    def __init__(self, paths: RepoPaths, report: Callable[[str], None] | None = None) -> None:
        self.paths = paths
        self.store = Store(paths)
        self._report = report
        self._memo: dict[str, Any] = {}
        self.reported: list[str] = []  # every problem reported so far, in order
        # Set before the log is read by a command that writes the events as note lines: the
        # notes' lines are then written in their own thread, while git walks the history.
        self.lines_wanted = False

    @classmethod
    def open(
        cls, start: Path | None = None, report: Callable[[str], None] | None = None
    ) -> Workspace:
        clock.configured()  # a bad GIT_MILESTONE_DATE stops a command before it writes
        return cls(discover(start), report)

    def report_to(self, report: Callable[[str], None]) -> None:
        """Report problems met from now on to `report` (a workspace handed to another
        caller, see launch.py)."""
        self._report = report

    @property
    def root(self) -> Path:
        return self.paths.root

    def git(self, *args: str, **options: Any) -> Any:
        """`git ARGS` in the work tree, through the one runner."""
        return runner.git(self.paths.root, *args, **options)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per command: for derived data several use cases share."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    # -- history ---------------------------------------------------------------------------

    @cached_property
    def head(self) -> str | None:
        return runner.head(self.paths.root)

    @cached_property
    def log(self) -> EventLog:
        """The event log: the notes (read again only once the notes ref moved), the trailer
        cache at HEAD and the events waiting for a commit."""
        from gitmilestone.core.nogc import nogc

        return nogc(self._read_log)()

    def _read_log(self) -> EventLog:
        # Imported here: a view read back from the index (see viewmemo) needs no history.
        from gitmilestone.core.events import merge
        from gitmilestone.git import eventlog, logcache

        self.store.require_initialized()
        root, local = self.paths.root, self.paths.local_dir
        # The notes are read while git walks the history: the walk keeps one core busy, and
        # the notes' own git processes and parsing fit beside it.
        wanted = self.lines_wanted
        noted = _alongside(lambda: _notes(root, local, wanted))
        trailers = logcache.trailer_log_at(root, local, self.head)
        notes, bad, lines = noted()
        waiting, unread = eventlog.pending_events(self.paths.common_dir)
        mine, unread_mine = self._branch_waiting()
        waiting, unread = waiting + mine, unread + unread_mine
        here, elsewhere = _split(notes, trailers.in_history)
        found = trailers.problems + bad + unread
        for problem in found:
            self.warn(problem)
        scoped = merge(trailers.events, here, waiting)
        return EventLog(scoped, elsewhere, found, trailers.activity, trailers.events, lines)

    def _branch_waiting(self) -> tuple[list[Event], list[str]]:
        """Events recorded on this branch that wait for its first commit: they count here."""
        from gitmilestone.core.events import parse_note
        from gitmilestone.git import branchwait
        from gitmilestone.git.where import current_branch

        branch = current_branch(str(self.paths.root))
        text = branchwait.read(self.paths.common_dir, branch)
        return parse_note(text, "", where=str(self.paths.common_dir)) if text else ([], [])

    # -- the plan with the facts laid over it ----------------------------------------------

    def plan(self) -> list[Milestone]:
        """Every milestone with the facts of this branch's history laid over it (a milestone
        in both active/ and completed/ once, as completed, with a warning)."""
        return self.memo("plan", self._plan)

    def _plan(self) -> list[Milestone]:
        from gitmilestone.core.events import overlay

        milestones, doubled = self.store.counted()
        for problem in doubled:
            self.warn(problem)
        return overlay(milestones, self.facts)

    def warn(self, problem: str) -> None:
        """Report a problem met reading the plan or its history, once: a view read back
        from the index may repeat what this command already found."""
        if problem in self.reported:
            return
        self.reported.append(problem)
        if self._report is not None:
            self._report(problem)

    def milestone(self, ref: str) -> Milestone:
        """One milestone (any unique prefix of its ID) with the facts laid over it; the
        other files are not parsed."""
        from gitmilestone.core.events import overlay

        shown: Milestone = overlay([self.store.resolve(ref)], self.facts)[0]
        return shown

    @cached_property
    def facts(self) -> Any:
        from gitmilestone.core.events import task_facts

        return task_facts(self.log.scoped)

    # -- writing ---------------------------------------------------------------------------

    def record(
        self,
        event_type: str,
        milestone_id: str | None,
        task_id: str | None = None,
        **details: object,
    ) -> None:
        """Record what a command changed as a note event attached to HEAD."""
        from gitmilestone.git import eventlog

        eventlog.record_event(self.paths, event_type, milestone_id, task_id, dict(details))


def _notes(
    root: Path, local: Path, lines: bool
) -> tuple[list[Event], list[str], dict[int, tuple[Event, str]]]:
    """The notes' events and problems, and with `lines` each event's note line."""
    from gitmilestone.git import eventlog

    notes, bad = eventlog.kept_note_events(root, local)
    if not lines:
        return notes, bad, {}
    from gitmilestone.core.events import json_lines

    return notes, bad, {id(e): (e, text) for e, text in zip(notes, json_lines(notes), strict=True)}


def _split(
    notes: list[Event], in_history: Callable[[str | None], bool]
) -> tuple[list[Event], list[Event]]:
    """The notes attached to commits in this history, and the others: one test each (a
    note's events share its commit, so the answer is asked once per commit)."""
    answers: dict[str | None, bool] = {}
    here: list[Event] = []
    elsewhere: list[Event] = []
    for e in notes:
        found = answers.get(e.commit)
        if found is None:
            found = answers[e.commit] = in_history(e.commit)
        (here if found else elsewhere).append(e)
    return here, elsewhere


def _alongside(read: Callable[[], T]) -> Callable[[], T]:
    """Start `read` in a thread of its own; the call returned waits for it, then returns
    what it returned or raises what it raised."""
    import threading

    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, read()))
        except BaseException as exc:  # handed to the caller, who reports it
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name="git-milestone notes", daemon=True)
    worker.start()

    def result() -> T:
        worker.join()
        done, value = outcome[0]
        if not done:
            raise value
        found: T = value
        return found

    return result
