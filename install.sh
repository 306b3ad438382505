#!/usr/bin/env bash
# Install git-milestone so that `git milestone ...` works in any repository.
#
#   ./install.sh              install into its own virtualenv and put git-milestone on PATH
#   ./install.sh --dev        create .venv/ here with an editable install and the test tools
#   ./install.sh --uninstall  remove what a plain install created
#
# Environment: GIT_MILESTONE_HOME (default ~/.local/share/git-milestone) holds the virtualenv;
# GIT_MILESTONE_BIN (default /usr/local/bin for root, else ~/.local/bin) gets the command.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=${GIT_MILESTONE_HOME:-$HOME/.local/share/git-milestone}
if [ -n "${GIT_MILESTONE_BIN:-}" ]; then
  bindir=$GIT_MILESTONE_BIN
elif [ "$(id -u)" = 0 ]; then
  bindir=/usr/local/bin
else
  bindir=$HOME/.local/bin
fi
python=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1

die() { echo "install.sh: $*" >&2; exit 1; }

need_python() {
  command -v "$python" >/dev/null || die "python3 not found; install Python 3.10 or newer"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "git-milestone needs Python 3.10 or newer ($("$python" --version 2>&1) found)"
  command -v git >/dev/null || die "git not found; install git first"
}

make_venv() {
  "$python" -m venv "$@" || die "could not create a virtualenv in ${*: -1} (Debian: apt-get install python3-venv)"
}

# A pip outside the virtualenv that can install into it (pip 22.3 and later: --python) spares
# the virtualenv a pip of its own, which takes seconds to set up and is never used again.
outer_pip() {
  "$python" -m pip --version 2>/dev/null \
    | awk '{ split($2, v, "."); exit !(v[1] > 22 || (v[1] == 22 && v[2] >= 3)) }'
}

# The user's virtualenv: lean where the outer pip can fill it, else with its own pip.
make_user_venv() {
  if outer_pip; then make_venv --without-pip "$1"; else make_venv "$1"; fi
}

pip_into() {
  local venv=$1
  shift
  if [ -x "$venv/bin/pip" ]; then
    "$venv/bin/python" -m pip "$@"
  else
    "$python" -m pip --python "$venv/bin/python" "$@"
  fi
}

install_user() {
  need_python
  echo "Installing git-milestone into $home/venv"
  if [ -d "$home/venv" ]; then
    # An upgrade: build beside the working install, which stays usable if this one fails.
    rm -rf "$home/venv.new"
    make_user_venv "$home/venv.new"
    pip_into "$home/venv.new" install --quiet "$here" || die "pip install failed (see above)"
    rm -rf "$home/venv" && mv "$home/venv.new" "$home/venv"
    # The venv was built under another name: recreate its console script for the final path.
    pip_into "$home/venv" install --quiet --force-reinstall --no-deps "$here" >/dev/null
  else
    make_user_venv "$home/venv"
    pip_into "$home/venv" install --quiet "$here" \
      || { rm -rf "$home/venv"; rmdir "$home" 2>/dev/null; die "pip install failed (see above)"; }
  fi
  mkdir -p "$bindir"
  ln -sf "$home/venv/bin/git-milestone" "$bindir/git-milestone"
  # git turns `git milestone --help` into `man git-milestone`; man finds pages beside PATH dirs.
  man_page "$home/venv/bin/python" "$(dirname "$bindir")/share/man/man1"
  echo "Installed: $bindir/git-milestone -> $home/venv/bin/git-milestone"
  case ":$PATH:" in
    *":$bindir:"*) echo "Try: git milestone --help" ;;
    *) echo "Note: $bindir is not on your PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" ;;
  esac
}

install_dev() {
  need_python
  [ -x "$here/.venv/bin/python" ] || make_venv "$here/.venv"
  echo "Installing git-milestone (editable) with test tools into $here/.venv"
  "$here/.venv/bin/python" -m pip install --quiet -e "$here[dev]" || die "pip install failed (see above)"
  # Hooks start Python on every commit; compiled modules spare them the parse, even where
  # PYTHONDONTWRITEBYTECODE keeps Python from caching them itself.
  "$here/.venv/bin/python" -m compileall -q "$here/gitmilestone" >/dev/null || true
  man_page "$here/.venv/bin/python" "$here/.venv/share/man/man1"
}

# git-milestone.1 and git-milestone-CMD.1 for every command, all from the click help.
man_page() {
  "$1" -m gitmilestone.cli.manpage "$2" || echo "install.sh: could not write the man pages in $2" >&2
}

uninstall() {
  rm -f "$(dirname "$bindir")/share/man/man1/git-milestone.1" \
    "$(dirname "$bindir")"/share/man/man1/git-milestone-*.1
  if [ -L "$bindir/git-milestone" ]; then
    rm -f "$bindir/git-milestone" && echo "Removed $bindir/git-milestone"
  fi
  if [ -d "$home/venv" ]; then
    rm -rf "$home/venv" && echo "Removed $home/venv"
  fi
  rmdir "$home" 2>/dev/null || true
  echo "git-milestone is uninstalled. Repositories keep their .milestones/ files."
}

case "${1:-}" in
  "") install_user ;;
  --dev) install_dev ;;
  --uninstall) uninstall ;;
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown option $1 (try --help)" ;;
esac
