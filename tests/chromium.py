"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe), with
the standard library only: load a page, record console messages, dialogs, exceptions and every
request, evaluate expressions in it, take a screenshot. Used by the browser tests, the dashboard
benchmark and scripts/screenshot.py."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--remote-debugging-pipe",
]


def find() -> str | None:
    """The Chromium to use: $CHROMIUM, else chromium or chromium-browser on PATH."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@dataclass
class Loaded:
    load_seconds: float
    console: list[str] = field(default_factory=list)  # console calls, exceptions, log entries
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt messages
    requests: list[str] = field(default_factory=list)  # every URL the page asked for


class Browser:
    """One headless Chromium and one tab; use as a context manager."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900) -> None:
        self.width = width
        self.profile = tempfile.mkdtemp(prefix="git-milestone-chromium-")
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4. Copies above 10 first, so
        # placing one cannot overwrite the other; dup2 leaves 3 and 4 open across exec.
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(res_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(res_w)

        def child_fds() -> None:
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        args = [
            binary,
            *FLAGS,
            f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}",
        ]
        self.proc = subprocess.Popen(
            [*args, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,
            close_fds=False,
        )
        os.close(child_r)
        os.close(child_w)
        self._out = os.fdopen(cmd_w, "wb", buffering=0)
        self._in = os.fdopen(res_r, "rb", buffering=0)
        self._next = 0
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.session = self._attach(width, height)

    def _read(self) -> None:
        buf = b""
        while chunk := self._in.read(65536):
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg and msg["id"] in self._answers:
                    self._answers[msg["id"]].put(msg)
                else:
                    self.events.put(msg)

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> Any:
        self._next += 1
        box: queue.Queue[dict[str, Any]] = queue.Queue()
        self._answers[self._next] = box
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session and getattr(self, "session", None):
            msg["sessionId"] = self.session
        self._out.write(json.dumps(msg).encode() + b"\0")
        answer = box.get(timeout=30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _attach(self, width: int, height: int) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, False
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return str(self.session)

    def load(self, url: str, timeout: float = 30) -> Loaded:
        while not self.events.empty():
            self.events.get_nowait()
        start = time.perf_counter()
        self.send("Page.navigate", {"url": url})
        seen = Loaded(0.0)
        deadline = start + timeout
        while True:
            msg = self.events.get(timeout=max(deadline - time.perf_counter(), 0.1))
            if self._note(msg, seen) == "load":
                seen.load_seconds = time.perf_counter() - start
                break
        time.sleep(0.3)  # what the page does right after load (scripts, failing resources)
        while not self.events.empty():
            self._note(self.events.get_nowait(), seen)
        return seen

    def _note(self, msg: dict[str, Any], seen: Loaded) -> str | None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Page.loadEventFired":
            return "load"
        if method == "Runtime.consoleAPICalled":
            seen.console.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            seen.console.append(str(params["exceptionDetails"].get("text")))
        elif method == "Log.entryAdded":
            seen.console.append(str(params["entry"].get("text")))
        elif method == "Network.requestWillBeSent":
            seen.requests.append(str(params["request"]["url"]))
        elif method == "Page.javascriptDialogOpening":
            seen.dialogs.append(str(params.get("message")))
            threading.Thread(
                target=self.send, args=("Page.handleJavaScriptDialog", {"accept": False})
            ).start()
        return None

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        shot = self.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # it may be gone already
            self.send("Browser.close", session=False)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
