"""The allowed-signers file, `.milestones/config/allowed-signers`: the `ssh-keygen -Y`
ALLOWED SIGNERS format (principals, options, an ssh public key), plus OpenPGP keys listed by
fingerprint (`alice@example.com openpgp <FINGERPRINT>`); and the revoked-signers file, one
key per line. Pure: reading the text, matching principals."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

FINGERPRINT = re.compile(r"^[0-9A-F]{40}([0-9A-F]{24})?$")
_KEY_TYPES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


@dataclass(frozen=True)
class Signers:
    ssh: str  # the ssh-keygen allowed-signers lines
    openpgp: tuple[tuple[str, str], ...]  # (principal patterns, fingerprint)


def parse_signers(text: str) -> Signers:
    """Split an allowed-signers file into ssh-keygen lines and `openpgp` fingerprint lines."""
    ssh, pgp = [], []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if len(words) >= 3 and words[1].lower() == "openpgp":
            if FINGERPRINT.match(words[2].upper()):
                pgp.append((words[0], words[2].upper()))
            continue
        ssh.append(line.strip())
    return Signers("".join(f"{x}\n" for x in ssh), tuple(pgp))


def revoked_keys(text: str) -> Signers:
    """The keys a revoked-signers file lists, as `ssh-keygen -Y verify -r` reads them (bare
    `type base64` lines: one malformed line would make it refuse every key)."""
    ssh, pgp = [], []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        for i, word in enumerate(words[:-1]):
            if word.lower() == "openpgp" and FINGERPRINT.match(words[i + 1].upper()):
                pgp.append(("*", words[i + 1].upper()))
                break
            if word.startswith(_KEY_TYPES) and _BASE64.match(words[i + 1]):
                ssh.append(f"{word} {words[i + 1]}")
                break
    return Signers("".join(f"{x}\n" for x in ssh), tuple(pgp))


def principal_matches(patterns: str, email: str) -> bool:
    """ssh-keygen's rule: comma-separated patterns with * and ?, compared case-insensitively."""
    me = email.lower()
    return any(fnmatch.fnmatchcase(me, p.strip().lower()) for p in patterns.split(",") if p)
