"""Which display level a command uses (simple, rich, dashboard) and whether it colours its output,
from ui-config.yaml, the size of the plan, the command line and the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

LEVELS = ("simple", "rich", "dashboard")
COLOR_CHOICES = ("auto", "always", "never")
# The tiers of a plan's size: up to 25 milestones simple, 25-100 rich, 100 and more dashboard.
DEFAULT_TIERS: Mapping[str, Mapping[str, int]] = {
    "rich": {"milestones": 25, "tasks": 250},
    "dashboard": {"milestones": 100, "tasks": 1000},
}


class Display(NamedTuple):
    level: str  # simple | rich | dashboard
    color: bool  # colours and styles (rich level only)
    terminal: bool  # stdout is a terminal, or colour was forced: rich may draw
    width: int | None  # columns, None: the terminal's own
    top: int  # active milestones the dashboard lists
    activity: int  # events under RECENT ACTIVITY


def tier(config: Mapping[str, Any], name: str) -> dict[str, int]:
    """A threshold as {milestones, tasks}; an integer alone (older files) counts milestones."""
    value = (config.get("thresholds") or {}).get(name)
    out = dict(DEFAULT_TIERS[name])
    if isinstance(value, int):
        out = {"milestones": value, "tasks": out["tasks"]}
    elif isinstance(value, Mapping):
        out.update({k: int(v) for k, v in value.items() if k in out and isinstance(v, int)})
    return out


def auto_level(config: Mapping[str, Any], milestones: int, tasks: int) -> str:
    """The level for a plan of this size: the highest tier either count reaches."""
    for name in ("dashboard", "rich"):
        t = tier(config, name)
        if milestones >= t["milestones"] or tasks >= t["tasks"]:
            return name
    return "simple"


def level(config: Mapping[str, Any], override: str | None, milestones: int, tasks: int) -> str:
    chosen = override or str(config.get("level") or "auto")
    return auto_level(config, milestones, tasks) if chosen == "auto" else chosen


def wants_color(setting: str, is_tty: bool, env: Mapping[str, str]) -> bool:
    """always and never mean what they say; auto colours a terminal unless NO_COLOR is set
    (https://no-color.org: any non-empty value) or TERM is dumb."""
    if setting in ("always", "never"):
        return setting == "always"
    return is_tty and not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def display(
    config: Mapping[str, Any],
    counts: tuple[int, int],
    options: Mapping[str, Any],
    is_tty: bool,
    env: Mapping[str, str],
) -> Display:
    """options: level, color (None where not given on the command line) and width.
    --color always beats NO_COLOR; `color: always` in the project's ui-config.yaml does not."""
    given = options.get("color")
    setting = given or str(config.get("color") or "auto")
    color = wants_color(setting, is_tty, env) and not (env.get("NO_COLOR") and not given)
    section = config.get("dashboard")
    shown: Mapping[str, Any] = section if isinstance(section, Mapping) else {}
    activity = shown.get("activity")
    return Display(
        level=level(config, options.get("level"), *counts),
        color=color,
        terminal=is_tty or (color and setting == "always"),
        width=options.get("width"),
        top=int(shown.get("top") or 10),
        activity=int(activity) if isinstance(activity, int) else 8,
    )
