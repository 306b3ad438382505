#!/bin/sh
# git-milestone hook shim: {HOOK}
# Written by `git milestone install`; `git milestone uninstall` removes it and puts back the
# hook it moved aside to {HOOK}.legacy, if any. ID marker: 7c1e2a9b-git-milestone-hook
hook={HOOK}
python={PYTHON}
# Next to this file, whatever its name, so a shim that another tool moved aside never runs itself.
legacy="$0.legacy"

if [ ! -x "$python" ]; then
  # The environment that installed the hooks is gone; never block a commit because of that.
  echo "git-milestone: $hook hook skipped: $python is missing (run git milestone install)" >&2
  python=true
fi

if [ ! -x "$legacy" ]; then
  exec "$python" -m gitmilestone.hooks.run "$hook" "$@"
fi

case $hook in
post-rewrite | pre-push)
  # Both hooks read the same stdin, so the hook that was here first gets a copy of it.
  copy=$(mktemp "${TMPDIR:-/tmp}/git-milestone.XXXXXX") || exit 1
  trap 'rm -f "$copy"' EXIT
  trap 'exit 1' HUP INT TERM
  cat >"$copy"
  "$legacy" "$@" <"$copy" || exit $?
  "$python" -m gitmilestone.hooks.run "$hook" "$@" <"$copy"
  ;;
*)
  "$legacy" "$@" || exit $?
  exec "$python" -m gitmilestone.hooks.run "$hook" "$@"
  ;;
esac
