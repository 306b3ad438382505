"""The pure parts of signed approvals: what bytes are signed, how allowed-signers files are
read, and how untrusted signature fields are bounded."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.core.allowed_signers import parse_signers, principal_matches
from gitmilestone.core.events import Event
from gitmilestone.git.signing import MAX_SIGNATURE, NAMESPACE, canonical, signature_of

DETAILS = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(lambda k: k != "signature"),
    st.one_of(st.text(max_size=12), st.integers(), st.lists(st.text(max_size=6), max_size=3)),
    max_size=5,
)


def event(details: dict[str, object], commit: str | None = None, source: str = "note") -> Event:
    return Event("a" * 20, "2026-11-02T10:00:00.000Z", "phase_approved", "M-001", "task-001",
                 details, None, "Alice <alice@example.com>", commit, source)  # fmt: skip


@given(DETAILS, st.sampled_from([None, "b" * 40, "c" * 64]), st.sampled_from(["note", "trailer"]))
def test_the_signed_bytes_ignore_key_order_storage_and_the_signature(
    details: dict[str, object], commit: str | None, source: str
) -> None:
    base = canonical(event(details))
    shuffled = dict(reversed(list(details.items())))
    sig = {"format": "ssh", "signature": "-----BEGIN SSH SIGNATURE-----\n..."}

    assert canonical(event(shuffled, commit, source)) == base
    assert canonical(event({**details, "signature": sig})) == base
    data = json.loads(base)
    assert data["namespace"] == NAMESPACE and data["details"] == details
    assert (
        base == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )


@given(DETAILS, st.text(min_size=1, max_size=8).filter(lambda k: k != "signature"))
def test_any_change_to_the_details_changes_the_signed_bytes(
    details: dict[str, object], key: str
) -> None:
    changed = {**details, key: ["changed", details.get(key)]}
    assert canonical(event(changed)) != canonical(event(details))


def test_allowed_signers_split_into_ssh_lines_and_openpgp_fingerprints() -> None:
    text = (
        "# reviewed in pull requests\n\n"
        "alice@example.com ssh-ed25519 AAAAC3Nza alice\n"
        '*@ops.example.com namespaces="git-milestone-approval" ssh-ed25519 AAAAB\n'
        "bob@example.com openpgp 0123456789abcdef0123456789abcdef01234567\n"
        "eve@example.com openpgp not-a-fingerprint\n"
    )

    signers = parse_signers(text)

    assert signers.ssh.splitlines() == [
        "alice@example.com ssh-ed25519 AAAAC3Nza alice",
        '*@ops.example.com namespaces="git-milestone-approval" ssh-ed25519 AAAAB',
    ]
    assert signers.openpgp == (("bob@example.com", "0123456789ABCDEF0123456789ABCDEF01234567"),)


def test_principals_match_like_ssh_keygen() -> None:
    assert principal_matches("alice@example.com,bob@example.com", "Bob@Example.com")
    assert principal_matches("*@ops.example.com", "carol@ops.example.com")
    assert not principal_matches("*@ops.example.com", "carol@example.com")


def test_a_signature_field_from_history_is_bounded() -> None:
    ok = {"format": "ssh", "signature": "x"}
    assert signature_of(event({"signature": ok})) == ok
    assert signature_of(event({})) is None
    assert signature_of(event({"signature": "text"})) is None
    too_long = {"format": "ssh", "signature": "x" * (MAX_SIGNATURE + 1)}
    assert signature_of(event({"signature": too_long})) == {"format": "ssh", "signature": ""}
    odd = {"format": "x509", "signature": "x"}
    assert signature_of(event({"signature": odd})) == {"format": "x509", "signature": ""}


def test_revoked_keys_are_passed_to_ssh_keygen_as_bare_keys() -> None:
    from gitmilestone.core.allowed_signers import revoked_keys

    text = (
        "# lost laptop\n"
        "alice@example.com ssh-ed25519 AAAAC3Nza old laptop\n"
        "ssh-rsa AAAAB3Nza==\n"
        "not a key at all\n"
        "revoked openpgp 0123456789abcdef0123456789abcdef01234567\n"
    )

    found = revoked_keys(text)

    assert found.ssh == "ssh-ed25519 AAAAC3Nza\nssh-rsa AAAAB3Nza==\n"
    assert found.openpgp == (("*", "0123456789ABCDEF0123456789ABCDEF01234567"),)
