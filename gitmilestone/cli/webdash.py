"""`dashboard --web/--open/--serve` and `dashboard --watch`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gitmilestone.commands.serve import LOOPBACK

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from gitmilestone.workspace import Workspace


def build_page(ws: Workspace, version: str) -> str:
    from gitmilestone.cli.dashview import read_source
    from gitmilestone.render.html import page
    from gitmilestone.render.webdata import page_data

    return page(page_data(ws, read_source(ws)), version)


def write_page(ws: Workspace) -> Path:
    """Write .git/milestones/dashboard/index.html in one rename; returns its path."""
    from gitmilestone.git.watch import fingerprint
    from gitmilestone.storage import atomic

    path = ws.paths.local_dir / "dashboard" / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, build_page(ws, fingerprint(ws.paths)), str(path))
    return path


def web(ws: Workspace, options: dict[str, Any]) -> None:
    path = write_page(ws)
    click.echo(str(path))
    if options["serve"]:
        serve(ws, options["host"], options["port"], options["open_"])
    elif options["open_"]:
        import webbrowser

        webbrowser.open(path.as_uri())


def serve(ws: Workspace, host: str | None, port: int, open_: bool) -> None:
    httpd, url = serving(ws, host, port)
    click.echo(f"Serving {url} (Ctrl-C stops)", err=True)
    if open_:
        import webbrowser

        webbrowser.open(url)
    from gitmilestone.core.nogc import collecting

    collecting()  # runs until stopped
    try:
        httpd.serve_forever(poll_interval=0.5)
    finally:
        httpd.server_close()


def serving(ws: Workspace, host: str | None, port: int) -> tuple[ThreadingHTTPServer, str]:
    """The server, bound (127.0.0.1 unless `host` says otherwise), and its URL."""
    from gitmilestone.commands.serve import Page, server
    from gitmilestone.git.watch import fingerprint
    from gitmilestone.workspace import Workspace

    if host is None:
        host = "127.0.0.1"
    elif host not in LOOPBACK:
        click.echo(
            f"warning: serving on {host}: anyone who can reach this address can read the plan",
            err=True,
        )
    root = ws.paths.root
    page = Page(
        lambda: fingerprint(ws.paths),
        lambda version: build_page(Workspace.open(root), version).encode(),
    )
    httpd = server(page, host, port)
    shown = f"[{host}]" if ":" in host else host
    return httpd, f"http://{shown}:{httpd.server_address[1]}/"


def watch(ws: Workspace, options: dict[str, Any]) -> None:
    """Redraw the dashboard on every change, checking the signals twice a second."""
    import sys

    from gitmilestone.cli.dashview import dashboard_data, show_dashboard
    from gitmilestone.git.watch import changes
    from gitmilestone.workspace import Workspace

    root, limit = ws.paths.root, options.get("max_redraws")
    for n, _ in enumerate(changes(ws.paths), start=1):
        fresh = Workspace.open(root)  # a Store caches what it read: the redraw needs a new one
        if sys.stdout.isatty():
            click.clear()
        data, shown = dashboard_data(fresh, options)
        show_dashboard(fresh, data, shown)
        click.echo(f"(watching for changes; Ctrl-C stops) {data['today']}", err=True)
        sys.stdout.flush()
        if limit is not None and n >= limit:
            return
