#!/bin/sh
# git-milestone hook shim: {HOOK}
# Managed by git-milestone; `git milestone uninstall` removes it and restores any hook it moved
# aside. ID marker: 7c1e2a9b-git-milestone-hook
here=$(dirname "$0")
if [ -x "$here/{HOOK}.legacy" ]; then
  "$here/{HOOK}.legacy" "$@" || exit $?
fi
exec "{PYTHON}" -S -m gitmilestone.hooks.run {HOOK} "$@"
