"""The cycle collector is paused around large reads and for a command run by the executable,
and left as it was afterwards: a process that goes on (a test run, `dashboard --serve`) keeps
collecting."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from gitmilestone.core.nogc import collecting, for_one_command, nogc


@pytest.fixture(autouse=True)
def restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@nogc
def read(fail: bool) -> bool:
    """A read."""
    if fail:
        raise ValueError("damaged")
    return gc.isenabled()


@pytest.mark.parametrize("enabled", [True, False])
def test_a_read_runs_paused_and_leaves_the_collector_as_it_was(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    assert read(False) is False
    assert gc.isenabled() is enabled
    with pytest.raises(ValueError, match="damaged"):
        read(True)
    assert gc.isenabled() is enabled
    assert read.__name__ == "read" and read.__doc__ == "A read."


def test_a_command_that_runs_until_stopped_collects_again() -> None:
    gc.enable()

    def serve() -> bool:
        paused = not gc.isenabled()
        collecting()
        return paused and gc.isenabled()

    assert for_one_command(serve)
    assert gc.isenabled()


def test_the_executable_leaves_the_collector_on(
    own_demo: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from gitmilestone import launch

    gc.enable()
    assert launch.main(["log", "--jsonl"]) == 0
    assert launch.main(["--version"]) == 0
    assert gc.isenabled()
    assert capsys.readouterr().out.count('"v":1') > 10
