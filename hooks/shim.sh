#!/bin/sh
# git-milestone hook shim: {HOOK}
# Written by `git milestone install`; `git milestone uninstall` removes it and puts back the
# hook it moved aside to {HOOK}.legacy, if any. ID marker: 7c1e2a9b-git-milestone-hook
hook={HOOK}
python={PYTHON}
pkgroot={PKGROOT}
# Next to this file, whatever its name, so a shim that another tool moved aside never runs itself.
legacy="$0.legacy"

ours() {
  # git runs hooks at the top of the work tree: a repository without a plan costs one test.
  [ -d .milestones ] || exit 0
  if [ ! -x "$python" ]; then
    # The environment that installed the hooks is gone; never block a commit because of that.
    echo "git-milestone: $hook hook skipped: $python is missing (run git milestone install)" >&2
    exit 0
  fi
  # -I -S: no site-packages scan, no PYTHON* variables, no work-tree modules shadowing the
  # standard library. The hook path needs only the standard library and our own package.
  "$python" -I -S -c 'import sys; sys.path.insert(0, sys.argv.pop(1)); from gitmilestone.hooks.run import main; sys.exit(main())' "$pkgroot" "$hook" "$@"
  rc=$?
  # 65 is a commit message git-milestone rejects on purpose. Any other failure means the
  # environment broke (package uninstalled, interpreter gone): never block git for that.
  [ "$rc" -eq 65 ] && exit 1
  [ "$rc" -ne 0 ] && echo "git-milestone: $hook hook skipped (exit $rc; run git milestone install)" >&2
  exit 0
}

if [ ! -x "$legacy" ]; then
  ours "$@"
fi

case $hook in
post-rewrite | pre-push)
  # Both hooks read the same stdin, so the hook that was here first gets a copy of it.
  copy=$(mktemp "${TMPDIR:-/tmp}/git-milestone.XXXXXX") || exit 1
  trap 'rm -f "$copy"' EXIT
  trap 'exit 1' HUP INT TERM
  cat >"$copy"
  "$legacy" "$@" <"$copy" || exit $?
  ours "$@" <"$copy"
  ;;
*)
  "$legacy" "$@" || exit $?
  ours "$@"
  ;;
esac
