"""Man pages made from the click help, so `-h`, `CMD --help` and `man` never disagree.

git turns `git milestone --help` into `man git-milestone`; `git milestone CMD --help` reaches
the command itself, which prints click's help. Each command also gets its own page,
git-milestone-CMD(1), as git's own commands do; a group (`task`, `risk`, `phase`, ...) gets one
page that lists its subcommands.

    python -m gitmilestone.cli.manpage MAN1_DIR    # writes every page there (install.sh)
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from gitmilestone import __version__
from gitmilestone.cli import COMMANDS, cli
from gitmilestone.errors import MilestoneError

PROG = "git milestone"
# Help laid out the same whatever the terminal that installs the pages, narrow enough that
# man's indent still fits an 80-column terminal.
WIDTH = 72


def pages() -> dict[str, str]:
    """File name -> page: git-milestone.1 and one git-milestone-CMD.1 per command."""
    out = {"git-milestone.1": render()}
    for name in COMMANDS:
        out[f"{page_name(name)}.1"] = render_command(name)
    return out


def page_name(command: str) -> str:
    return f"git-milestone-{command}"


def render() -> str:
    """The page of `git milestone` itself: what it is, its options, its commands."""
    root = _root()
    rows = [(f"{page_name(n)}(1)", help_) for n, (_, _, help_) in COMMANDS.items()]
    parts = _header("git-milestone", "plan and track milestones inside a git repository")
    parts += [".SH SYNOPSIS", f".B {PROG}", "[\\-h] [\\-\\-version] COMMAND [ARGS]..."]
    parts += [".SH DESCRIPTION", *_text(_description(cli, root))]
    parts += [".SH OPTIONS", *_options(cli, root), ".SH COMMANDS"]
    for page, help_ in rows:
        parts += [".TP", f"\\fB{_escape(page)}\\fR", _escape(help_)]
    parts += [
        ".SH SEE ALSO",
        f"{_escape(PROG)} COMMAND \\-\\-help (or \\-h) prints the help of one command;",
        "man git\\-milestone\\-COMMAND shows it as a page.",
    ]
    return _join(parts)


def render_command(name: str) -> str:
    """The page of one command: its help, its options, and for a group each subcommand's."""
    root = _root()
    cmd = _command(cli, name, root)
    ctx = click.Context(cmd, info_name=name, parent=root)
    parts = _header(page_name(name), COMMANDS[name][2])
    parts += [".SH SYNOPSIS", *_synopsis(cmd, ctx)]
    parts += [".SH DESCRIPTION", *_text(_description(cmd, ctx))]
    parts += [".SH OPTIONS", *_options(cmd, ctx)]
    if isinstance(cmd, click.Group):
        parts.append(".SH COMMANDS")
        for sub in cmd.list_commands(ctx):
            child = _command(cmd, sub, ctx)
            child_ctx = click.Context(child, info_name=sub, parent=ctx)
            parts += [f".SS {_escape(sub)}", *_synopsis(child, child_ctx), ".PP"]
            parts += [*_text(_description(child, child_ctx)), *_options(child, child_ctx)]
    parts += [".SH SEE ALSO", "\\fBgit\\-milestone\\fR(1)"]
    return _join(parts)


def _root() -> click.Context:
    settings = {**cli.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return click.Context(cli, info_name=PROG, **settings)


def _command(group: click.Group, name: str, ctx: click.Context) -> click.Command:
    cmd = group.get_command(ctx, name)
    assert cmd is not None, name
    return cmd


def _header(name: str, summary: str) -> list[str]:
    # The title as man prints it in the page's corners: plain hyphens, as git's pages have.
    return [
        f'.TH {name.upper()} 1 "" "git-milestone {__version__}" "Git Manual"',
        ".SH NAME",
        f"{_escape(name)} \\- {_escape(summary)}",
    ]


def _synopsis(cmd: click.Command, ctx: click.Context) -> list[str]:
    return [f".B {_escape(ctx.command_path)}", _escape(" ".join(cmd.collect_usage_pieces(ctx)))]


def _description(cmd: click.Command, ctx: click.Context) -> str:
    """The help text as click lays it out (paragraphs wrapped, `\\b` blocks kept as written)."""
    formatter = ctx.make_formatter()
    cmd.format_help_text(ctx, formatter)
    return textwrap.dedent(formatter.getvalue()).strip("\n")


def _options(cmd: click.Command, ctx: click.Context) -> list[str]:
    out = []
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
        if record is not None:
            out += [".TP", f"\\fB{_escape(record[0])}\\fR", _escape(record[1]) or "\\&"]
    return out


def _text(text: str) -> list[str]:
    return [".nf", _escape(text), ".fi"] if text else []


def _escape(text: str) -> str:
    """roff: a backslash is `\\e`, a hyphen `\\-` (so options copy as typed), and a line may not
    start with a control character."""
    lines = []
    for line in text.splitlines():
        line = line.replace("\\", "\\e").replace("-", "\\-")
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def _join(parts: list[str]) -> str:
    return "\n".join(parts) + "\n"


def write(folder: Path) -> list[Path]:
    """Every page into `folder` (a man1 directory), each replaced in one rename."""
    from gitmilestone.storage.atomic import write_text

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages().items():
        path = folder / name
        write_text(path, text, str(path))
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m gitmilestone.cli.manpage MAN1_DIR", file=sys.stderr)
        return 2
    try:
        write(Path(argv[0]))
    except (OSError, MilestoneError) as exc:
        print(f"could not write the man pages into {argv[0]}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
