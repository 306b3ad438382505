"""Two independent computations on two cores: the machines git-milestone runs on (laptops, CI
runners) have at least two, and a large plan's two sides are independent work."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


def both(first: Callable[[], T], second: Callable[[], U], parallel: bool) -> tuple[T, U]:
    """first() and second(), on two cores where there are: first() in a forked child that
    sends its result back through a pipe. Both are pure computations over data already in
    memory; should the child fail, first() runs here instead."""
    if not parallel or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return first(), second()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's cleanup
        os.close(read)
        try:
            with os.fdopen(write, "wb") as out:
                pickle.dump(first(), out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(write)
    mine = second()
    with os.fdopen(read, "rb") as got:
        try:
            theirs: T = pickle.load(got)
        except (EOFError, pickle.UnpicklingError):
            theirs = first()
    os.waitpid(pid, 0)
    return theirs, mine
