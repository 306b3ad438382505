"""What JSON output does with values JSON has no form for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """A mapping read lazily from the index becomes the dict it stands for; anything else
    (a date YAML read unquoted, say) its text."""
    return dict(value) if isinstance(value, Mapping) else str(value)
