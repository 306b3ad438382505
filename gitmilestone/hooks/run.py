"""What every installed hook runs: `main()`, with the hook's name and git's arguments.

The shim git calls (hooks/shim.sh) starts the Python that installed it, isolated, and puts
the folder holding the package first on sys.path itself, since -S skips site-packages:
`python -I -S -c 'import sys; sys.path.insert(0, sys.argv.pop(1)); from
gitmilestone.hooks.run import main; sys.exit(main())' PKGROOT HOOK [args...]`.
`python -m gitmilestone.hooks.run HOOK [args...]` runs a hook by hand, for debugging.

Runs on every commit, checkout and merge, so it imports only the standard library until it
knows there is work to do, and it never breaks the user's git command by accident: an internal
error prints one line and exits 0. Only commit-msg may say no, and only on purpose.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # mypy treats this name as True; collections.abc costs a hook 3 ms
if TYPE_CHECKING:
    from collections.abc import Callable

    Handler = Callable[[list[str], bytes], object]

# git feeds these hooks their input on stdin; the others get none worth reading.
STDIN_HOOKS = frozenset({"post-rewrite", "pre-push"})
# The only hook whose exit code may stop the git command: a rejected commit message.
BLOCKING_HOOKS = frozenset({"commit-msg"})
# How a blocking hook says no on purpose. The shim turns it into exit 1 and treats any other
# failure (say, the package was uninstalled) as "skip", so a broken install never blocks git.
REJECT = 65
HANDLERS = "gitmilestone.hooks.handlers"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if os.environ.get("GIT_MILESTONE_SKIP_HOOKS") == "1" or not args:
        return 0
    hook, hook_args = args[0], args[1:]
    # Read before anything can fail, so git never writes into a pipe nobody drains.
    stdin = sys.stdin.buffer.read() if hook in STDIN_HOOKS else b""
    try:
        handler = _handler(hook)
        if handler is None:
            return 0
        rc = handler(hook_args, stdin)
    except Exception as exc:
        _report(hook, exc)
        return 0
    except SystemExit as exc:  # a handler calling sys.exit() says no like a return value
        rc = exc.code if isinstance(exc.code, int) else 1
    if hook in BLOCKING_HOOKS and isinstance(rc, int) and rc != 0:
        return REJECT
    return 0


def _handler(hook: str) -> Handler | None:
    """The handler for `hook`, or None while it (or the whole handlers module) does not exist."""
    try:
        module = __import__(HANDLERS, fromlist=["main"])  # importlib would load warnings
    except ModuleNotFoundError as exc:
        if exc.name != HANDLERS:  # the module is there but something it imports is not
            raise
        return None
    handler = getattr(module, hook.replace("-", "_"), None)
    return handler if callable(handler) else None


def _report(hook: str, exc: BaseException) -> None:
    message = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    print(
        f"git-milestone: {hook} hook failed: {type(exc).__name__}: {message} "
        "(your git command is not affected)",
        file=sys.stderr,
    )


def _forget_working_dir() -> None:
    """`python -m` puts the current directory first on sys.path, and git runs hooks at the top
    of the user's work tree: a `json.py` or `calendar.py` there must not replace the stdlib's."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]


if __name__ == "__main__":
    _forget_working_dir()
    raise SystemExit(main())
