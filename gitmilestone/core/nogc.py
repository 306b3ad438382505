"""Pausing Python's cycle collector while a read builds many objects at once.

Reading a long history builds hundreds of thousands of tuples, strings and dicts that all live
to the end of the command. The collector, started by every 700 new objects, walks them again
and again, and once more after it is turned back on: together a third of a cold read of
100,000 commits. What these reads build holds no reference cycles, so pausing the collector
frees nothing late. The executable runs one command per process and pauses it for the whole
command (`for_one_command`); a command that runs for hours (`dashboard --serve`, a watch
loop) turns it back on (`collecting`), and `nogc` pauses it around the large reads there.
(Mercurial pauses it the same way around its large reads.) Stdlib only.
"""

from __future__ import annotations

import gc

TYPE_CHECKING = False  # no typing at run time: post-rewrite and pre-push read the event log
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, TypeVar

    P = ParamSpec("P")
    T = TypeVar("T")


def nogc(read: Callable[P, T]) -> Callable[P, T]:
    """`read`, run with the cycle collector paused (and resumed as it was, also on errors)."""

    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        return paused_while(lambda: read(*args, **kwargs))

    paused.__doc__, paused.__name__ = read.__doc__, read.__name__
    return paused


def paused_while(run: Callable[[], T], freeze: bool = False) -> T:
    """run(), with the cycle collector paused, then resumed as it was; with `freeze`, what
    exists by then is frozen first (gc.freeze), so no later collection walks it."""
    was = gc.isenabled()
    gc.disable()
    try:
        return run()
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


def for_one_command(run: Callable[[], T]) -> T:
    """A whole command in a process of its own: run() with the collector paused throughout.
    Memory stays as it was with it (a 1,000-milestone plan's status: 107 MiB either way).
    What the command built is then frozen: the interpreter's exit, or a caller that goes on,
    never walks it again (a collection on the way out took a tenth of a cold read)."""
    return paused_while(run, freeze=True)


def collecting() -> None:
    """A command that runs until stopped: the cycle collector back on, for what it leaves
    behind over hours."""
    gc.enable()
