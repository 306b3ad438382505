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

time:
  # Time spent on a task comes from its work sessions (git milestone start/pause/stop); where
  # none were used, from Time-Spent: trailers; else it is estimated from its commits' times:
  # a commit made within session_gap_minutes of its author's previous commit counts that gap,
  # any other commit counts first_commit_minutes (the work before it).
  session_gap_minutes: 120
  first_commit_minutes: 30
  # A session segment left open longer than this (a forgotten pause or stop) counts this long.
  max_session_hours: 10

risks:
  # New risks get IDs like R-001-k7q2 (the suffix follows ids.suffix_length).
  id_prefix: R
  # Score = probability (0..1) x impact (low 1, medium 2, high 3), so 0..3. A risk scoring at
  # least a threshold gets that alert level, otherwise low. With these values a 0.3 chance of a
  # high impact (0.9) is a high risk and a 0.2 chance of a medium impact (0.4) a medium one.
  alert_levels:
    high: 0.9
    medium: 0.4
  # `git milestone status` lists open risks of this level and above: high | medium | low | none.
  status_alerts: high

approvals:
  # true: a gate opens only for an approval signed with the approver's git signing key and
  # verified against .milestones/config/allowed-signers (a gate's own `signed:` overrides
  # this). false: unsigned approvals count too, with a notice. See docs/approvals.md.
  require_signatures: false
  # Roles that approval gates may name, each with the git identities (user.email) that act in
  # it, e.g.  architect: [ann@example.com]  or  tech_lead: [bob@example.com, eve@example.com]
  roles: {}
  # Gates for milestones whose kiro_configuration.approval_gates does not name them. Approving
  # phase design passes design_to_spec, spec passes spec_to_task (then task_to_execute,
  # execute_to_done). A phase needs approval when its gate is listed (unless the gate says
  # required: false or the task's phase says approval_required: false). approvers lists
  # e-mails or roles; an empty list lets anyone with a git identity approve.
  gates:
    design_to_spec:
      approvers: []
      criteria: [architecture_approved, api_design_validated]
    spec_to_task:
      approvers: []
      criteria: [specification_complete, test_plan_approved]

lint:
  # Limits of the quality checklist `git milestone lint` applies.
  min_weeks: 2          # a milestone shorter than this is too small to track as one
  max_weeks: 4          # longer than this is too complex to track: split it
  max_task_hours: 16    # tasks of 1-2 days; longer ones hide their progress
  # Severity of each rule: error | warning | info | off. Any error makes lint exit 1.
  severity:
    MS001: warning  # milestone outside min_weeks..max_weeks (dates, else hours on the calendar)
    MS002: error    # no success criteria
    MS003: warning  # no success criterion is measurable (a number or a metric)
    MS004: error    # depends on an unknown milestone or task
    MS005: warning  # a task depends on another milestone that dependencies.requires omits
    MS006: error    # dependency cycle between milestones
    MS007: warning  # no risk assessment (no risks listed)
    MS008: warning  # an open risk has no mitigation
    MS009: warning  # a risk lacks its probability or impact
    MS010: warning  # a task is estimated over max_task_hours
    MS011: info     # a task has no estimate
    MS012: warning  # no buffer (timeline.buffer_percentage missing or 0)
    MS013: warning  # no deliverables
    MS014: error    # critical milestone without a rollback_plan
    MS015: info     # no resources (team members or skills) identified
    MS016: warning  # no tasks: the milestone is not decomposed
    MS017: error    # a deliverable path leads outside the repository
    MS018: error    # an approval or sign-off whose signature is missing (where required) or fails
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
