"""The man page `git milestone --help` shows (git turns `--help` into `man git-milestone`).
Generated from the same click help as `-h`, so the two never disagree."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitmilestone import __version__
from gitmilestone.cli import COMMANDS, cli


def _help(cmd: click.Command, name: str, parent: click.Context | None) -> list[str]:
    ctx = click.Context(cmd, info_name=name, parent=parent)
    out = [ctx.get_help()]
    if isinstance(cmd, click.Group):
        for sub in cmd.list_commands(ctx):
            child = cmd.get_command(ctx, sub)
            if child is not None and name != "git milestone":
                out += ["", *_help(child, sub, ctx)]
    return out


def _escape(text: str) -> str:
    lines = []
    for line in text.splitlines():
        line = line.replace("\\", "\\e")
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def render() -> str:
    root = click.Context(cli, info_name="git milestone")
    parts = [
        f'.TH GIT-MILESTONE 1 "" "git-milestone {__version__}" "Git Manual"',
        ".SH NAME",
        "git-milestone \\- plan and track milestones inside a git repository",
        ".SH SYNOPSIS",
        ".B git milestone",
        "[\\-h] COMMAND [ARGS]...",
        ".SH DESCRIPTION",
        ".nf",
        _escape(root.get_help()),
        ".fi",
        ".SH COMMANDS",
    ]
    for name in COMMANDS:
        cmd = cli.get_command(root, name)
        assert cmd is not None
        parts += [f".SS {name}", ".nf", _escape("\n".join(_help(cmd, name, root))), ".fi"]
    parts += [".SH SEE ALSO", "git milestone COMMAND \\-h shows the help of one command."]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
