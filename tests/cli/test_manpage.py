"""The command reference has one source, the click help: a man page per command with every
option in it, and `git milestone CMD --help` answering through git."""

from __future__ import annotations

import functools
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gitmilestone.cli import COMMANDS, cli, manpage
from gitmilestone.cli.manpage import main
from tests.conftest import git, run_exe


@functools.cache
def pages() -> dict[str, str]:
    return manpage.pages()


def _plain(page: str) -> str:
    """The page's text as man shows it, for the escapes that matter to a search."""
    for code, shown in (("\\-", "-"), ("\\&", ""), ("\\fB", ""), ("\\fR", ""), ("\\e", "\\")):
        page = page.replace(code, shown)
    return page


def _commands(name: str) -> list[tuple[str, click.Command]]:
    """The command and, for a group, each subcommand, with the path a user types."""
    root = click.Context(cli, info_name="git milestone")
    cmd = cli.get_command(root, name)
    assert cmd is not None
    out = [(name, cmd)]
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd, info_name=name, parent=root)
        for sub in cmd.list_commands(ctx):
            child = cmd.get_command(ctx, sub)
            assert child is not None
            out.append((f"{name} {sub}", child))
    return out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_page_with_its_options(name: str) -> None:
    page = pages()[f"git-milestone-{name}.1"]
    text = _plain(page)
    assert text.startswith(f".TH GIT-MILESTONE-{name.upper()} 1")
    assert f"git-milestone-{name} - {COMMANDS[name][2]}" in text
    for path, cmd in _commands(name):
        assert f"git milestone {path}" in text
        for param in cmd.params:
            if isinstance(param, click.Option):
                for opt in param.opts + param.secondary_opts:
                    assert opt in text, f"{opt} of `{path}` missing from its man page"


def test_the_main_page_lists_every_command_page() -> None:
    text = _plain(pages()["git-milestone.1"])
    assert "Plan and track milestones inside this git repository." in text
    for name, (_, _, help_) in COMMANDS.items():
        assert f"git-milestone-{name}(1)\n{help_}" in text


def test_the_pages_are_written_where_install_puts_them(tmp_path: Path) -> None:
    man1 = tmp_path / "share" / "man" / "man1"
    assert main([str(man1)]) == 0
    names = sorted(p.name for p in man1.iterdir())
    assert names == sorted(["git-milestone.1", *(f"git-milestone-{n}.1" for n in COMMANDS)])
    assert (man1 / "git-milestone-status.1").read_text(encoding="utf-8") == pages()[
        "git-milestone-status.1"
    ]


def test_writing_into_a_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "man1"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main([str(blocker)]) == 1
    assert "could not write the man pages" in capsys.readouterr().err
    assert main([]) == 2


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_prints_its_help(name: str) -> None:
    for path, _ in _commands(name):
        result = CliRunner().invoke(cli, [*path.split(), "--help"], prog_name="git milestone")
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Usage: git milestone {path} [OPTIONS]")


@pytest.mark.parametrize("args", [["status"], ["critical-path"], ["task"], ["risk", "add"]])
def test_command_help_through_git_is_clicks_help(repo: Path, args: list[str]) -> None:
    # git turns only `git milestone --help` into a man page; `git milestone CMD --help`
    # reaches the command.
    proc = run_exe(repo, *args, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Usage: git milestone {' '.join(args)} [OPTIONS]")
    assert "-h, --help" in proc.stdout


def test_git_milestone_help_opens_the_main_page(repo: Path) -> None:
    # The man viewer is configured so that the page git asks for is printed, whatever is
    # installed on this host.
    git(repo, "config", "man.viewer", "echo")
    git(repo, "config", "man.echo.cmd", "echo asked for")
    proc = run_exe(repo, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "asked for git-milestone"
    assert "git-milestone.1" in pages()
