"""`git milestone template list|show`: the templates `new --template` starts from."""

from __future__ import annotations

import click

from gitmilestone.cli import emit_json, emit_lines, workspace


@click.group("template")
def template_grp() -> None:
    """Milestone templates: named starting points defined under `templates:` in
    .milestones/config/milestone-config.yaml (feature, api and release come with it).
    `default` is the Milestone Definition Template, every field empty.

    \b
    Examples:
      git milestone template list
      git milestone template show api
      git milestone new "Orders API" --template api
    """


@template_grp.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def template_list(as_json: bool) -> None:
    """Every template, with what it fills in."""
    from gitmilestone.commands.plan_templates import all_templates, summary
    from gitmilestone.render.templates import list_lines

    rows = [summary(n, t) for n, t in all_templates(workspace().store.config()).items()]
    if as_json:
        emit_json(rows)
    else:
        emit_lines(list_lines(rows))


@template_grp.command("show")
@click.argument("name", default="default")
@click.option("--json", "as_json", is_flag=True, help="Print the template as JSON.")
def template_show(name: str, as_json: bool) -> None:
    """Everything one template fills in (NAME defaults to `default`).

    \b
    Example:
      git milestone template show release --json
    """
    from gitmilestone.commands.plan_templates import get
    from gitmilestone.render.templates import show_lines

    template = get(workspace().store.config(), name)
    if as_json:
        emit_json({"name": name, **template})
    else:
        emit_lines(show_lines(name, template))
