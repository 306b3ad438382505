"""Text of the files `init` writes. The config defaults are read from these same texts, so the
commented file a user sees and the defaults the code applies can never disagree."""

from __future__ import annotations

MILESTONE_CONFIG = """\
# git-milestone project settings. Every key is optional: a missing key takes the value shown.
schema_version: 1

ids:
  # New milestones get IDs like M-001-k7q2; tasks get task-001-p3xz. The random suffix keeps
  # IDs unique when two branches each create a milestone or task. Set suffix_length: 0 for
  # plain sequential IDs (fine when only one person plans).
  milestone_prefix: M
  task_prefix: task
  digits: 3
  suffix_length: 4

# Branch names that name the milestone (and task) being worked on, for the commit-msg hook.
# {milestone} and {task} match IDs; anything after the task ID (e.g. "-login") is ignored.
branch_pattern: "milestone/{milestone}/{task}"

defaults:
  priority: medium
  category: feature
  estimated_hours: 0
  buffer_percentage: 20

phases:
  # design -> spec -> task -> execute per task when a task's kiro_workflow is enabled.
  # Weights are the share of a task's progress each completed phase is worth.
  enabled: true
  weights:
    design: 15
    spec: 25
    task: 20
    execute: 40

calendar:
  working_days: [mon, tue, wed, thu, fri]
  hours_per_day: 8
  holidays: []

status:
  bar_width: 20
  due_soon_days: 7
"""

STORAGE_CONFIG = """\
# How git-milestone stores what it reads. The YAML files are always the truth; the other
# tiers add a local SQLite index in .git/milestones/ (never committed, always rebuildable).
schema_version: 1

# auto picks the tier from the number of milestones using the thresholds below.
backend: auto

thresholds:
  hybrid: 25     # from this many milestones on, cache parsed files in SQLite
  database: 100  # from this many, serve every query from SQLite

migration:
  backup: true
  keep_backups: 5
"""

UI_CONFIG = """\
# How much git-milestone shows. auto picks the level from the number of milestones.
schema_version: 1

level: auto       # auto | simple | rich | dashboard
thresholds:
  rich: 10        # from this many milestones on, use the rich terminal view
  dashboard: 50   # from this many, suggest the web dashboard
color: auto       # auto | always | never
"""

LESSONS_LEARNED = """\
# Lessons learned

One section per completed milestone, appended by `git milestone complete`.
"""

CONFIG_FILES = {
    "milestone-config": ("config/milestone-config.yaml", MILESTONE_CONFIG),
    "storage-config": ("config/storage-config.yaml", STORAGE_CONFIG),
    "ui-config": ("config/ui-config.yaml", UI_CONFIG),
}

MILESTONE_HEADER = (
    "# Milestone {id}. Edit with `git milestone set/edit` or by hand; check with"
    " `git milestone validate`.\n"
)
