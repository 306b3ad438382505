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
  # true: `task add` runs new tasks through the phases unless given --no-phases (a milestone's
  # kiro_configuration.enabled overrides this for its tasks).
  new_tasks: false
  # The phases a new phased task goes through; the others are written as skipped.
  default_phases: [design, spec, task, execute]
  # Deliverables a phase gets when it starts, each a file under
  # .milestones/deliverables/<task-id>/<phase>/ that must exist before the phase completes:
  # deliverables:
  #   design: [architecture_decisions]
  #   spec: [api_specification]
  #   task: [task_breakdown]
  #   execute: [implementation]

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

resources:
  # Who works on the plan and how much, for `schedule` (tasks of one person never overlap;
  # `schedule --by-person` shows each one's load per week) and `analyze`. Anyone assigned a
  # task but not listed here works the calendar's full day. For example:
  #   - {name: alice, hours_per_week: 40, days_off: [2026-12-24]}
  #   - {name: bob, hours_per_week: 20, days_off: [{from: 2026-12-28, to: 2026-12-31}]}
  team_members: []

analysis:
  # `git milestone analyze` groups work by domain: a task belongs to the first domain that
  # one of its skills or labels names (the domain itself or one of these words), else to the
  # domain its milestone's category names, else to "other".
  domains:
    frontend: [ui, ux, web, mobile, react, css]
    backend: [api, api-design, database, server]
    infrastructure: [ci, deploy, deployment, ops, release]

alerts:
  # `git milestone alerts` lists what needs attention; with --exit-code it exits 1 when
  # anything does, for CI and cron. The post-checkout hook mentions a due-soon milestone.
  due_within_days: 7    # an open milestone due within this many days (0: only overdue ones)
  blocked_days: 2       # a task blocked for longer than this many days
  paused_days: 3        # a work session paused for longer than this many days
  gate_days: 0          # a finished phase waiting for approval longer than this many days
  risk_level: high      # open risks of this level and above without mitigation: high|medium|low

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

# The project's stakeholders and what they expect of it, e.g.
#   - {name: Dana, role: product owner, expectations: Mobile sign-up by March}
# Milestones list their own: git milestone stakeholder add ID NAME --role --expects --contact
stakeholders: []

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
    MS019: warning  # critical milestone without stakeholders and their expectations

templates:
  # Starting points for `git milestone new TITLE --template NAME`. Each may give description,
  # category, priority, estimated_hours, buffer_percentage, criteria, deliverables (names, or
  # {name, type, acceptance_criteria}), risks ({description, probability, impact,
  # mitigation}), tasks (titles, or {title, estimated_hours, assigned_to, skills, labels}),
  # skills_required, stakeholders ({name, role, expectations, contact}) and phases (true: each
  # task goes through design -> spec -> task -> execute). Without --template, `new` uses
  # `default`: the Milestone Definition Template, every field empty (define `default` here to
  # change that). A template you redefine is merged key by key over the one shown here.
  feature:
    description: A user-facing feature, designed, built, tested and documented
    category: feature
    criteria:
      - All acceptance tests of the feature pass
      - Documentation covers every new option
    deliverables:
      - {name: Implementation, type: code}
      - {name: User documentation, type: documentation}
    risks:
      - {description: Scope grows during the work, probability: 0.3, impact: medium,
         mitigation: Agree the scope in the design phase and park additions}
    tasks:
      - {title: Design the feature, estimated_hours: 8}
      - {title: Implement it, estimated_hours: 16}
      - {title: Test and document it, estimated_hours: 8}
  api:
    description: A backend API, with design and spec approved before the build
    category: backend
    phases: true
    criteria:
      - Every endpoint of the spec answers with p95 latency under 200 ms
      - Contract tests pass for 100% of the endpoints
    deliverables:
      - {name: API specification, type: documentation}
      - {name: API implementation, type: code}
      - {name: Contract tests, type: test}
    risks:
      - {description: Clients need changes the spec did not foresee, probability: 0.3,
         impact: high, mitigation: Review the spec with every client team before the build}
    tasks:
      - {title: Design the API, estimated_hours: 8, skills: [api-design]}
      - {title: Implement the endpoints, estimated_hours: 16, skills: [backend]}
      - {title: Write contract tests, estimated_hours: 8, skills: [testing]}
  release:
    description: Ship a version to users, with a way back
    category: infrastructure
    priority: high
    criteria:
      - Release checklist 100% done
      - Zero open issues of severity critical
    deliverables:
      - {name: Release notes, type: documentation}
      - {name: Deployed release, type: deployment}
    risks:
      - {description: The release breaks production, probability: 0.2, impact: high,
         mitigation: Staged rollout and a tested rollback}
    tasks:
      - {title: Freeze and tag, estimated_hours: 4, skills: [release]}
      - {title: Write release notes, estimated_hours: 4}
      - {title: Deploy and verify, estimated_hours: 8, skills: [infrastructure]}
"""

STORAGE_CONFIG = """\
# How git-milestone reads the plan. The YAML files are always the truth; the hybrid and
# database tiers add a local SQLite index (.git/milestones/index.db: never committed, always
# rebuildable) so that a file already read is never parsed or checked again.
# `git milestone storage status` shows the tier in use and why; see docs/storage.md.
schema_version: 1

# auto picks the tier from the number of milestones using the thresholds below;
# file | hybrid | database fixes it for everyone (`storage migrate --to` pins one clone).
backend: auto

thresholds:
  hybrid: 25     # from this many milestones on, read the plan through the index
  database: 100  # from this many, the database tier (see docs/storage.md)

migration:
  backup: true      # `storage migrate` backs up the index first, for `storage rollback`
  keep_backups: 5   # older backups in .git/milestones/backups/ are removed
"""

UI_CONFIG = """\
# How `git milestone status` and `git milestone dashboard` show the plan in a terminal.
schema_version: 1

# simple: plain text lines. rich: tables, coloured bars and panels. dashboard: `status` shows
# the one-screen dashboard (the most urgent milestones first) and points at the web view.
# auto picks the level from the size of the plan; --level overrides it for one call.
level: auto       # auto | simple | rich | dashboard

# For auto: a plan with at least this many milestones, or this many tasks, gets the level.
thresholds:
  rich:
    milestones: 25
    tasks: 250
  dashboard:
    milestones: 100
    tasks: 1000

# Colours of the rich level: auto (on a terminal, unless NO_COLOR is set) | always | never.
# --color overrides it. Piped output is always plain text unless colour is forced.
color: auto

dashboard:
  top: 10         # active milestones listed; the rest are counted ("and 990 more")
  activity: 8     # latest events under RECENT ACTIVITY
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
