"""Regenerate docs/dashboard.png: the demo project's web dashboard, in headless Chromium.

    .venv/bin/python scripts/screenshot.py [--out docs/dashboard.png] [--width 1280]

Builds `git milestone demo` in a temp folder (as "Ann Example"), writes its web dashboard and
captures the whole page. Needs Chromium (Debian: apt-get install chromium, or set CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.chromium import Browser, find  # noqa: E402 (after the path is set)

IDENTITY = {
    "GIT_AUTHOR_NAME": "Ann Example",
    "GIT_AUTHOR_EMAIL": "ann@example.com",
    "GIT_COMMITTER_NAME": "Ann Example",
    "GIT_COMMITTER_EMAIL": "ann@example.com",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    binary = find()
    if binary is None:
        raise SystemExit("no Chromium: apt-get install chromium, or set CHROMIUM")
    exe = str(Path(sys.executable).parent / "git-milestone")
    with tempfile.TemporaryDirectory(prefix="git-milestone-shot-") as tmp:
        # The demo's commits take the identity from ~/.gitconfig, its notes from the environment.
        gitconfig = "[user]\n\tname = Ann Example\n\temail = ann@example.com\n"
        (Path(tmp) / ".gitconfig").write_text(gitconfig)
        env = {**os.environ, **IDENTITY, "HOME": tmp, "GIT_CONFIG_NOSYSTEM": "1"}
        demo = Path(tmp) / "demo"
        subprocess.run([exe, "demo", "--dir", str(demo)], check=True, env=env, capture_output=True)
        out = subprocess.run(
            [exe, "dashboard", "--web"], cwd=demo, check=True, env=env, capture_output=True
        )
        page = Path(out.stdout.decode().strip())
        with Browser(binary, width=args.width) as browser:
            loaded = browser.load(page.as_uri())
            if loaded.console:
                raise SystemExit(f"the page logged: {loaded.console}")
            browser.screenshot(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
