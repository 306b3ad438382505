"""Signing approval events with the user's git signing key, the way `git commit -S` does
(user.signingkey, gpg.format ssh|openpgp, gpg.ssh.program, gpg.program), through the programs
git itself calls: `ssh-keygen -Y sign` and `gpg -bsau`. Verification is in `verification`.

What is signed is `canonical(event)`: the event as compact JSON with sorted keys, without its
signature and without where it is stored (`commit`, `source`), so a note copied to a
rewritten commit (rebase, squash) keeps a signature that verifies."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmilestone.core.events import Event
from gitmilestone.errors import MilestoneError
from gitmilestone.git.runner import git

NAMESPACE = "git-milestone-approval"
ALLOWED_SIGNERS = ".milestones/config/allowed-signers"
REVOKED_SIGNERS = ".milestones/config/revoked-signers"
FORMATS = ("ssh", "openpgp")
MAX_SIGNATURE = 16_384  # characters; an armored ed25519 or RSA-4096 signature is far smaller
_SSH_LITERAL = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")


def canonical(event: Event) -> bytes:
    """The bytes a signature covers: every field but `commit` and `source`, and the details
    without `signature`; sorted keys, compact separators, UTF-8."""
    details = {k: v for k, v in event.details.items() if k != "signature"}
    data = {
        "v": event.v,
        "id": event.id,
        "timestamp": event.timestamp,
        "event_type": event.event_type,
        "milestone_id": event.milestone_id,
        "task_id": event.task_id,
        "details": details,
        "session_id": event.session_id,
        "author": event.author,
        "namespace": NAMESPACE,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class SigningKey:
    format: str  # ssh | openpgp
    program: str
    key: str  # a key file, a literal public key (ssh, via the agent) or a GPG key id
    literal: bool = False

    def describe(self) -> str:
        return f"{self.format} key {self.key if not self.literal else self.key[:40] + '...'}"


def git_config(root: Path) -> dict[str, str]:
    """user.signingkey, user.email and every gpg.* setting, read with one git call."""
    proc = git(
        root, "config", "-z", "--get-regexp", r"^(user\.signingkey|user\.email|gpg\.)", check=False
    )
    out: dict[str, str] = {}
    for item in proc.stdout.split("\0"):
        key, _, value = item.partition("\n")
        if key:
            out[key.lower()] = value
    return out


def signing_key(root: Path) -> SigningKey | None:
    """The key `git commit -S` would sign with; None when none is configured (neither
    user.signingkey nor gpg.format is set)."""
    cfg = git_config(root)
    fmt = cfg.get("gpg.format", "openpgp").strip().lower()
    key = cfg.get("user.signingkey", "").strip()
    if not key and "gpg.format" not in cfg:
        return None
    if fmt == "ssh":
        return _ssh_key(cfg, key)
    if fmt == "openpgp":
        program = cfg.get("gpg.openpgp.program") or cfg.get("gpg.program") or "gpg"
        return SigningKey("openpgp", program, key or cfg.get("user.email", ""))
    raise MilestoneError(
        f"gpg.format {fmt} is not supported for approvals",
        "sign approvals with an ssh or openpgp key: git config gpg.format ssh",
    )


def _ssh_key(cfg: Mapping[str, str], key: str) -> SigningKey:
    program = cfg.get("gpg.ssh.program") or "ssh-keygen"
    if not key and cfg.get("gpg.ssh.defaultkeycommand"):
        key = _default_key(cfg["gpg.ssh.defaultkeycommand"])
    if not key:
        raise MilestoneError(
            "gpg.format is ssh but no signing key is set",
            "name your key: git config user.signingkey ~/.ssh/id_ed25519.pub",
        )
    if key.startswith("key::"):
        return SigningKey("ssh", program, key[5:].strip(), literal=True)
    if key.startswith(_SSH_LITERAL):
        return SigningKey("ssh", program, key, literal=True)
    return SigningKey("ssh", program, os.path.expanduser(key))


def _default_key(command: str) -> str:
    """gpg.ssh.defaultKeyCommand: its first line is the key (git runs it through a shell too)."""
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    lines = proc.stdout.strip().splitlines()
    return lines[0].strip() if proc.returncode == 0 and lines else ""


def sign(key: SigningKey, payload: bytes) -> dict[str, str]:
    """`{"format", "signature"}`: an armored detached signature of `payload`."""
    if key.format == "ssh":
        text = _ssh_sign(key, payload)
    else:
        text = _run_signer(key, [key.program, "--status-fd=2", "-bsau", key.key], payload)
    return {"format": key.format, "signature": text}


def _ssh_sign(key: SigningKey, payload: bytes) -> str:
    if not key.literal:
        return _run_signer(
            key, [key.program, "-Y", "sign", "-n", NAMESPACE, "-f", key.key], payload
        )
    import tempfile  # only where a signature is made: the read path needs none

    with tempfile.TemporaryDirectory(prefix="git-milestone-sign-") as tmp:
        pub = Path(tmp) / "key.pub"
        pub.write_text(key.key + "\n", encoding="utf-8")
        cmd = [key.program, "-Y", "sign", "-n", NAMESPACE, "-f", str(pub), "-U"]
        return _run_signer(key, cmd, payload)


def _run_signer(key: SigningKey, cmd: list[str], payload: bytes) -> str:
    try:
        proc = subprocess.run(cmd, input=payload, capture_output=True, check=False)
    except FileNotFoundError:
        raise MilestoneError(
            f"cannot sign the approval: {cmd[0]} is not installed",
            "install it (openssh-client or gnupg), or point gpg.ssh.program / gpg.program at it",
        ) from None
    text = proc.stdout.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or "-----BEGIN" not in text:
        said = _first_line(proc.stderr.decode("utf-8", "replace"))
        raise MilestoneError(
            f"cannot sign the approval with {key.describe()}: {said}",
            "check that `git commit -S` works with this configuration (user.signingkey, "
            "gpg.format), then approve again",
        )
    return text + "\n"


def _first_line(text: str) -> str:
    lines = [x.strip() for x in text.splitlines() if x.strip() and "Signing data" not in x]
    return lines[0] if lines else "no message"


def signature_of(event: Event) -> dict[str, str] | None:
    """The event's signature if it has a well-formed one (history is input from strangers)."""
    sig: Any = event.details.get("signature")
    if not isinstance(sig, Mapping):
        return None
    fmt, text = sig.get("format"), sig.get("signature")
    if fmt not in FORMATS or not isinstance(text, str) or not 0 < len(text) <= MAX_SIGNATURE:
        return {"format": str(fmt)[:20], "signature": ""}
    return {"format": str(fmt), "signature": text}
