"""What the benchmarks share: a throw-away folder and the 90th percentile."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def workspace(prefix: str, keep: bool) -> Iterator[Path]:
    """A new temp folder, removed afterwards unless `keep` (then its path is printed)."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield base
        if keep:
            print(f"\nkept: {base}")
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def p90(values: list[float]) -> float:
    """The 90th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]
