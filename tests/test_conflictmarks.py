"""Where a leftover conflict block sits: line and dotted field, in both list styles."""

from __future__ import annotations

import pytest

from gitmilestone.storage.conflictmarks import first_marker

FLUSH = """\
id: M-001
tasks:
- id: task-001
  title: Login
<<<<<<< ours
  status: blocked
=======
  status: completed
>>>>>>> theirs
"""

INDENTED = """\
id: M-001
timeline:
  estimated_hours: 40
tasks:
  - id: task-001
    title: Login
  - id: task-002
    phases:
      design:
<<<<<<< ours
        status: done
=======
        status: open
>>>>>>> theirs
"""

WHOLE_ITEM = """\
risks:
- id: risk-001
  probability: 0.2
<<<<<<< ours
=======
- id: risk-002
  probability: 0.5
>>>>>>> theirs
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FLUSH, (5, "tasks.task-001.status")),
        (INDENTED, (10, "tasks.task-002.phases.design.status")),
        (WHOLE_ITEM, (4, "risks.risk-002")),
        ("id: M-001\n<<<<<<< ours\ntitle: A\n=======\ntitle: B\n>>>>>>> theirs\n", (2, "title")),
        ("title: '<<<<<<< not a marker'\n", None),
    ],
)
def test_the_first_marker_names_its_line_and_field(text: str, expected: object) -> None:
    assert first_marker(text) == expected
