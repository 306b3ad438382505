"""`install` and `uninstall`: the git hooks that record progress from ordinary commits."""

from __future__ import annotations

import click

from gitmilestone.cli import emit_lines


@click.command("install")
@click.option(
    "--pre-push",
    is_flag=True,
    help="Also install pre-push, which syncs milestone notes on push (it never blocks a push).",
)
def install_cmd(pre_push: bool) -> None:
    """Install the git-milestone hooks (commit-msg, post-commit, post-checkout, post-merge,
    post-rewrite) where git looks for hooks, honouring core.hooksPath and worktrees. A hook
    that is already there is kept as <hook>.legacy and runs first. Safe to run again.

    \b
    Example:
      git milestone install
      git milestone install --pre-push
    """
    from gitmilestone.commands import install

    emit_lines(install.install(install.locate(), pre_push=pre_push))


@click.command("uninstall")
def uninstall_cmd() -> None:
    """Remove the git-milestone hooks and put back any hook they had moved aside, exactly as
    it was. Hooks that git-milestone did not install are left alone.

    \b
    Example:
      git milestone uninstall
    """
    from gitmilestone.commands import install

    emit_lines(install.uninstall(install.locate()))
