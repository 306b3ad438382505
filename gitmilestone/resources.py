"""Files that ship with the package: JSON Schemas and hook shim templates."""

from __future__ import annotations

import functools
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `hooks`: inside an installed wheel, else the source checkout's top level."""
    for candidate in (_HERE / "_data" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"git-milestone installation is missing its {name}/ directory")


def schema_path(kind: str) -> Path:
    return data_dir("schemas") / f"{kind}.schema.json"


@functools.cache
def schema_bytes(kind: str) -> bytes:
    """A schema's bytes: what the caches that keep checked data are keyed by."""
    return schema_path(kind).read_bytes()
