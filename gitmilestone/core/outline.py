"""Reading a Markdown outline for `plan import`: headings are milestones, bullets are tasks,
`(8h)` is an estimate, `after: M-001` a dependency. Pure: text in, sections out; the files
are made by `outline_import`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gitmilestone.errors import MilestoneError

PRIORITIES = ("critical", "high", "medium", "low")
KEYS = ("after", "start", "end", "priority", "category", "hours", "buffer")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_KEY = re.compile(rf"^({'|'.join(KEYS)})\s*:\s*(.*)$", re.IGNORECASE)
_HOURS = re.compile(r"\(\s*((?:\d+(?:\.\d+)?\s*[dhm]\s*)+)\)")
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([dhm])")
_PRIORITY = re.compile(rf"\[({'|'.join(PRIORITIES)})\]", re.IGNORECASE)
_AFTER = re.compile(r"\s+after:\s*(.+)$", re.IGNORECASE)
_ASSIGN = re.compile(r"(?:^|\s)@([\w.-]+)")
_CHECKBOX = re.compile(r"^\[([ xX])\]\s+")

_SECTIONS = {"success criteria": "criteria", "criteria": "criteria", "deliverables": "deliverables"}


@dataclass
class Item:
    title: str
    line: int
    hours: float | None = None
    assignee: str | None = None
    after: list[str] = field(default_factory=list)
    done: bool = False
    priority: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug(self.title)


@dataclass
class Section:
    item: Item
    fields: dict[str, str] = field(default_factory=dict)
    description: list[str] = field(default_factory=list)
    tasks: list[Item] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    deliverables: list[str] = field(default_factory=list)


def slug(title: str) -> str:
    """A heading's anchor as Markdown renders it: `User authentication` -> user-authentication."""
    text = re.sub(r"[^\w\s-]", "", title.strip().lower())
    return re.sub(r"\s+", "-", text)


def hours_of(text: str, hours_per_day: float) -> float:
    """`8h`, `1.5h`, `2d`, `1h30m`, `90m` -> hours; a day is calendar.hours_per_day."""
    scale = {"d": hours_per_day, "h": 1.0, "m": 1 / 60}
    return whole(round(sum(float(n) * scale[u] for n, u in _PART.findall(text)), 2))


def whole(value: float) -> float:
    """8.0 -> 8, so the file says `estimated_hours: 8` as a person would write it."""
    return int(value) if value.is_integer() else value


def parse(text: str, source: str, hours_per_day: float = 8) -> list[Section]:
    """The milestones of an outline. Milestones are the `##` headings, or the `#` headings when
    there are no `##` ones; deeper headings group bullets inside a milestone."""
    lines = _content_lines(text)
    levels = [len(h.group(1)) for _, ln in lines if (h := _HEADING.match(ln))]
    level = 2 if 2 in levels else 1
    out: list[Section] = []
    kind = "tasks"
    for number, line in lines:
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) <= level:
            if len(heading.group(1)) == level:
                out.append(Section(_item(heading.group(2), number, hours_per_day)))
            kind = "tasks"
        elif heading:
            kind = _SECTIONS.get(heading.group(2).strip().lower().rstrip(":"), "tasks")
        elif out:
            _add_line(out[-1], kind, number, line, hours_per_day, source)
        elif _BULLET.match(line):
            raise MilestoneError(
                "a bullet before any milestone heading",
                "put tasks under a `## Milestone title` heading",
                path=source,
                line=number,
            )
    if not out:
        raise MilestoneError(
            "no milestone headings in the outline",
            "write each milestone as a `## Title` heading with its tasks as `- bullets` below",
            path=source,
        )
    return out


def _content_lines(text: str) -> list[tuple[int, str]]:
    """Numbered non-blank lines, without fenced code blocks."""
    out, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.strip():
            out.append((number, line.rstrip()))
    return out


def _add_line(sec: Section, kind: str, number: int, line: str, hpd: float, source: str) -> None:
    bullet = _BULLET.match(line)
    if bullet is None:
        key = _KEY.match(line.strip())
        if key and key.group(1).lower() in KEYS:
            sec.fields[key.group(1).lower()] = key.group(2).strip()
            sec.fields[f"{key.group(1).lower()}@line"] = str(number)
        elif kind == "tasks" and not sec.tasks:
            sec.description.append(line.strip())
        return
    nested, text = bool(bullet.group(1)), bullet.group(2).strip()
    if kind == "criteria":
        sec.criteria.append(text)
    elif kind == "deliverables":
        sec.deliverables.append(text)
    elif nested and sec.tasks:
        sec.tasks[-1].notes.append(text)
    else:
        sec.tasks.append(_item(text, number, hpd))


def _item(text: str, number: int, hpd: float) -> Item:
    item = Item("", number)
    box = _CHECKBOX.match(text)
    if box:
        item.done, text = box.group(1) != " ", text[box.end() :]
    after = _AFTER.search(text)
    if after:
        item.after = [a.strip() for a in after.group(1).split(",") if a.strip()]
        text = text[: after.start()]
    hours = _HOURS.search(text)
    if hours:
        item.hours = hours_of(hours.group(1), hpd)
        text = text[: hours.start()] + text[hours.end() :]
    who = _ASSIGN.search(text)
    if who:
        item.assignee = who.group(1)
        text = text[: who.start()] + text[who.end() :]
    prio = _PRIORITY.search(text)
    if prio:
        item.priority = prio.group(1).lower()
        text = text[: prio.start()] + text[prio.end() :]
    item.title = re.sub(r"\s+", " ", text).strip()
    return item
