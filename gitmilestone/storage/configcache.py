"""Config files as read before: each merged, checked config kept under the bytes it was read
from (`.git/milestones/configs.cache`), so a command that finds its config files unchanged
needs neither PyYAML nor the schema to read them. A warm whole-plan read (see
commands/viewmemo.py) then imports no YAML at all.

The key names the config kind, the file's text (or its absence), the template its defaults
come from, the schema and the git-milestone version: a change to any of them reads the file
again. The cache is local and only a cache: unreadable, it is rebuilt; unwritable, skipped.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitmilestone import __version__
from gitmilestone.resources import schema_bytes

NAME = "configs.cache"
KEPT = 12  # a few kinds, each with the texts of the branches lately checked out


def kept(
    local_dir: Path, kind: str, text: str | None, template: str, compute: Callable[[], Any]
) -> Any:
    """compute(), or the value it gave before for this kind, text and template."""
    key = _key(kind, text, template)
    path = local_dir / NAME
    entries = _load(path)
    if key in entries:
        return entries[key]
    value = compute()
    entries[key] = value
    _save(path, dict(list(entries.items())[-KEPT:]))
    return value


def _key(kind: str, text: str | None, template: str) -> str:
    h = hashlib.sha1(f"{kind}\0{__version__}\0".encode())
    h.update(schema_bytes(kind))
    h.update(template.encode("utf-8"))
    h.update(b"\0absent" if text is None else b"\0" + text.encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _load(path: Path) -> dict[str, Any]:
    try:
        found = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def _save(path: Path, entries: dict[str, Any]) -> None:
    """Written whole and renamed into place; a value marshal cannot write is not kept."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        data = marshal.dumps(entries)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)
