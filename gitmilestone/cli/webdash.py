"""`dashboard --web/--open/--serve` and `dashboard --watch`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:
    from gitmilestone.storage.store import Store


def web(store: Store, options: dict[str, Any]) -> None:
    raise MilestoneError("the web dashboard is not available yet", "use `git milestone dashboard`")


def watch(store: Store, options: dict[str, Any]) -> None:
    raise MilestoneError("--watch is not available yet", "run `git milestone dashboard` again")
