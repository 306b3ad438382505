"""Verifying signed approval events against the repository's allowed signers.

A signature counts when it verifies for the approver's e-mail against
.milestones/config/allowed-signers *as committed in the commit the approval is attached to*:
removing a key later leaves older approvals valid, adding one later does not bless an older
forgery. Keys listed in .milestones/config/revoked-signers at HEAD fail everywhere (a stolen
key). ssh signatures are checked by `ssh-keygen -Y verify`, OpenPGP ones by `gpg --verify`
and the fingerprints allowed-signers lists (`alice@example.com openpgp <FINGERPRINT>`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gitmilestone.core.allowed_signers import (
    FINGERPRINT,
    Signers,
    parse_signers,
    principal_matches,
    revoked_keys,
)
from gitmilestone.core.events import Event
from gitmilestone.git import runner
from gitmilestone.git.eventlog import split_batch
from gitmilestone.git.runner import git
from gitmilestone.git.signing import (
    ALLOWED_SIGNERS,
    NAMESPACE,
    REVOKED_SIGNERS,
    canonical,
    git_config,
    signature_of,
)

_OBJECT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_PRINCIPAL = re.compile(r"^[^\s,*?\"'\\-][^\s,*?\"'\\]{0,253}$")
MAX_SIGNERS_FILE = 1_000_000  # bytes


@dataclass(frozen=True)
class Verdict:
    state: str  # verified | unsigned | bad-signature | unknown-key | revoked | unverifiable
    message: str  # what a user reads after "signature ..."
    key: str | None = None  # the key's fingerprint when known

    @property
    def ok(self) -> bool:
        return self.state == "verified"

    def as_dict(self) -> dict[str, str | bool | None]:
        return {"state": self.state, "ok": self.ok, "message": self.message, "key": self.key}


UNSIGNED = Verdict("unsigned", "signature missing")
# Verdicts that the same event, commit, approver and HEAD always get again. "unverifiable"
# depends on the machine (no ssh-keygen, a key missing from the GPG keyring): never kept.
LASTING = frozenset({"verified", "bad-signature", "unknown-key", "revoked"})


class Kept(Protocol):
    """Where verdicts are kept between commands (a BlobCache under .git/milestones)."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, data: Any) -> None: ...


class Verifier:
    """Verifies events, remembering each answer and each allowed-signers blob, so one command
    spawns ssh-keygen or gpg at most once per event. Given `kept`, every lasting verdict is
    kept there too, and a read that asks to `reuse` one gets it back without checking again
    until HEAD moves (its revoked-signers count)."""

    def __init__(self, root: Path, kept: Kept | None = None) -> None:
        self.root = root
        self.kept = kept
        self._blobs: dict[tuple[str, str], str | None] = {}
        self._verdicts: dict[tuple[str, str | None, str], tuple[Verdict, bool]] = {}
        self._programs: dict[str, str] | None = None
        self._expected: set[str] = set()
        self._head: str | None = None

    def verify(self, event: Event, principal: str, reuse: bool = False) -> Verdict:
        """The event's verdict, checked now; with `reuse`, a kept one will do (for views:
        what opens a gate and `verify` always check)."""
        digest = hashlib.sha256(canonical(event) + repr(event.details).encode()).hexdigest()
        key = (event.id, event.commit, digest + principal)
        verdict, checked = self._verdicts.get(key, (UNSIGNED, False))
        if key not in self._verdicts or not (checked or reuse):
            verdict, checked = self._lasting(key, event, principal, reuse)
            self._verdicts[key] = verdict, checked
        return verdict

    def _lasting(
        self, key: tuple[str, str | None, str], event: Event, principal: str, reuse: bool
    ) -> tuple[Verdict, bool]:
        """(verdict, whether it was checked now)."""
        if self.kept is None:
            return self._verify(event, principal), True
        if self._head is None:
            self._head = runner.head(self.root) or ""
        name = hashlib.sha256(repr((key, self._head)).encode()).hexdigest()
        found = self.kept.get(name) if reuse else None
        if isinstance(found, tuple) and len(found) == 3 and found[0] in LASTING:
            return Verdict(*found), False
        verdict = self._verify(event, principal)
        # Checked at the approval's own time, a verdict does not change with the day; one
        # checked at "now" (no usable timestamp) might.
        if verdict.state in LASTING and _verify_time(event.timestamp):
            self.kept.put(name, (verdict.state, verdict.message, verdict.key))
        return verdict, True

    def _verify(self, event: Event, principal: str) -> Verdict:
        sig = signature_of(event)
        if sig is None:
            return UNSIGNED
        if not sig["signature"]:
            return Verdict("bad-signature", "signature malformed")
        if not _PRINCIPAL.match(principal):
            return Verdict("bad-signature", f"approver {principal[:60]!r} is not an e-mail")
        if not event.commit or not _OBJECT_ID.match(event.commit):
            return Verdict("unverifiable", "signature not checked: not yet attached to a commit")
        allowed = self.signers_at(event.commit, ALLOWED_SIGNERS)
        if allowed is None:
            return Verdict(
                "unknown-key",
                f"signature not checked: no {ALLOWED_SIGNERS} at {event.commit[:10]}",
            )
        revoked = revoked_keys(self.signers_at("HEAD", REVOKED_SIGNERS) or "")
        import tempfile  # only where a signature is checked: kept verdicts need none

        with tempfile.TemporaryDirectory(prefix="git-milestone-verify-") as tmp:
            check = Check(Path(tmp), canonical(event), sig["signature"], principal, event)
            if sig["format"] == "ssh":
                return check.ssh(self.program("ssh"), parse_signers(allowed), revoked)
            return check.openpgp(self.program("openpgp"), parse_signers(allowed), revoked)

    def prefetch(self, revs: Iterable[str | None]) -> None:
        """Say which commits' allowed-signers files will be asked for: the first one that is
        read reads them all, with two git calls, not two each (and none when every verdict
        was kept)."""
        self._expected.update(r for r in revs if r and _OBJECT_ID.match(r))

    def _fetch(self) -> None:
        wanted = sorted(self._expected - {r for r, _ in self._blobs})
        self._expected.clear()
        if not wanted:
            return
        specs = "".join(f"{r}:{ALLOWED_SIGNERS}\n" for r in wanted)
        check = git(self.root, "cat-file", "--batch-check", stdin=specs, check=False)
        found: dict[str, str] = {}
        for rev, line in zip(wanted, check.stdout.splitlines(), strict=False):
            words = line.split()
            self._blobs[rev, ALLOWED_SIGNERS] = None
            if len(words) == 3 and words[1] == "blob" and int(words[2]) <= MAX_SIGNERS_FILE:
                found[rev] = words[0]
        if found:
            oids = "".join(f"{oid}\n" for oid in found.values())
            batch = git(self.root, "cat-file", "--batch", stdin=oids)
            for rev, text in zip(found, split_batch(batch.stdout), strict=False):
                self._blobs[rev, ALLOWED_SIGNERS] = text

    def signers_at(self, rev: str, path: str) -> str | None:
        """The allowed (or revoked) signers file as committed at `rev`, or None."""
        if self._expected and (rev, path) not in self._blobs:
            self._fetch()
        if (rev, path) not in self._blobs:
            self._blobs[rev, path] = _blob(self.root, rev, path)
        return self._blobs[rev, path]

    def program(self, fmt: str) -> str:
        if self._programs is None:
            cfg = git_config(self.root)
            self._programs = {
                "ssh": cfg.get("gpg.ssh.program") or "ssh-keygen",
                "openpgp": cfg.get("gpg.openpgp.program") or cfg.get("gpg.program") or "gpg",
            }
        return self._programs[fmt]


def _blob(root: Path, rev: str, path: str) -> str | None:
    if rev != "HEAD" and not _OBJECT_ID.match(rev):
        return None
    spec = f"{rev}:{path}"
    size = git(root, "cat-file", "-s", "--end-of-options", spec, check=False)
    if size.returncode != 0 or int(size.stdout.strip() or 0) > MAX_SIGNERS_FILE:
        return None
    proc = git(root, "cat-file", "blob", "--end-of-options", spec, check=False)
    return proc.stdout if proc.returncode == 0 else None


@dataclass(frozen=True)
class Check:
    """One signature to check, its files written to a private temporary folder."""

    folder: Path
    payload: bytes
    signature: str
    principal: str
    event: Event

    def ssh(self, program: str, allowed: Signers, revoked: Signers) -> Verdict:
        files = self._files(allowed.ssh, revoked.ssh)
        cmd = [
            program,
            "-Y",
            "verify",
            "-f",
            files["allowed"],
            "-I",
            self.principal,
            "-n",
            NAMESPACE,
            "-s",
            files["sig"],
        ]
        if revoked.ssh:
            cmd += ["-r", files["revoked"]]
        when = _verify_time(self.event.timestamp)
        cmd += [f"-Overify-time={when}"] if when else []
        proc = self._run(cmd)
        if proc is None:
            return Verdict("unverifiable", f"signature not checked: {program} is not installed")
        if proc.returncode == 0:
            found = re.search(r"key (SHA256:\S+)", proc.stdout)
            return Verdict("verified", "signature verified", found.group(1) if found else None)
        return self._ssh_failure(program, files)

    def _ssh_failure(self, program: str, files: dict[str, str]) -> Verdict:
        """Why ssh-keygen refused: the bytes changed, or the key is not the approver's."""
        novalidate = [program, "-Y", "check-novalidate", "-n", NAMESPACE, "-s", files["sig"]]
        proc = self._run(novalidate)
        if proc is None or proc.returncode != 0:
            return Verdict(
                "bad-signature",
                "signature does not match the event (edited after signing, or not made for it)",
            )
        found = re.search(r"key (SHA256:\S+)", proc.stdout)
        fpr = found.group(1) if found else None
        principals = self._run(
            [program, "-Y", "find-principals", "-f", files["allowed"], "-s", files["sig"]]
        )
        names = principals.stdout.split() if principals and principals.returncode == 0 else []
        where = f"{ALLOWED_SIGNERS} at {str(self.event.commit)[:10]}"
        if any(principal_matches(n, self.principal) for n in names):
            return Verdict("revoked", f"signed with a revoked key {fpr}", fpr)
        if names:
            owner = ", ".join(names[:3])
            return Verdict(
                "unknown-key", f"signed with the key of {owner}, not of {self.principal}", fpr
            )
        return Verdict("unknown-key", f"signed with a key {where} does not list", fpr)

    def openpgp(self, program: str, allowed: Signers, revoked: Signers) -> Verdict:
        files = self._files("", "")
        proc = self._run([program, "--status-fd=1", "--verify", files["sig"], "-"])
        if proc is None:
            return Verdict("unverifiable", f"signature not checked: {program} is not installed")
        status = proc.stdout
        if "[GNUPG:] BADSIG" in status or "[GNUPG:] VALIDSIG" not in status:
            if "NO_PUBKEY" in status:
                return Verdict(
                    "unverifiable",
                    "signature not checked: the public key is not "
                    "in your GPG keyring (gpg --recv-keys)",
                )
            return Verdict(
                "bad-signature",
                "signature does not match the event (edited after signing, or not made for it)",
            )
        fprs = _validsig(status)
        if any(f in fprs for _, f in revoked.openpgp) or "[GNUPG:] REVKEYSIG" in status:
            return Verdict("revoked", f"signed with a revoked key {fprs[0]}", fprs[0])
        for patterns, fpr in allowed.openpgp:
            if fpr in fprs and principal_matches(patterns, self.principal):
                return Verdict("verified", "signature verified", fprs[0])
        where = f"{ALLOWED_SIGNERS} at {str(self.event.commit)[:10]}"
        return Verdict(
            "unknown-key",
            f"signed with key {fprs[0]}, which {where} does not list for {self.principal}",
            fprs[0],
        )

    def _files(self, allowed: str, revoked: str) -> dict[str, str]:
        out = {}
        for name, text in (("allowed", allowed), ("revoked", revoked), ("sig", self.signature)):
            path = self.folder / name
            path.write_text(text, encoding="utf-8")
            out[name] = str(path)
        return out

    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess[str] | None:
        try:
            proc = subprocess.run(cmd, input=self.payload, capture_output=True, check=False)
        except FileNotFoundError:
            return None
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        return subprocess.CompletedProcess(cmd, proc.returncode, out + err, err)


def _validsig(status: str) -> list[str]:
    """The signing key's and its primary key's fingerprints from gpg's VALIDSIG line."""
    for line in status.splitlines():
        words = line.split()
        if words[:2] == ["[GNUPG:]", "VALIDSIG"] and len(words) >= 3:
            return [w.upper() for w in (words[2], words[-1]) if FINGERPRINT.match(w.upper())]
    return ["unknown"]


def _verify_time(stamp: str) -> str | None:
    """The event's time as ssh-keygen's verify-time, so valid-after/valid-before in
    allowed-signers are checked at the time of the approval (UTC, with the trailing Z)."""
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%SZ")
