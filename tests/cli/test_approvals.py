"""Signed approvals with real ssh keys (ssh-keygen -t ed25519), real `gpg.format ssh`, real
signatures: what opens a signed gate, what is refused, and what `verify` reports."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.core.events import Event
from gitmilestone.git.signing import NAMESPACE, canonical
from tests.cli.helpers import assert_user_error, ms_file
from tests.cli.test_phase import REF, ok, walk
from tests.conftest import git, tree_snapshot

pytestmark = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed (openssh-client)"
)

ALICE = "alice@example.com"
NOTES = "refs/notes/milestones"
CONFIG = ".milestones/config/milestone-config.yaml"
ALLOWED = ".milestones/config/allowed-signers"


def keygen(folder: Path, name: str) -> Path:
    folder.mkdir(exist_ok=True)
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


def public(key: Path) -> str:
    return " ".join(key.with_suffix(".pub").read_text().split()[:2])


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", message)


def allow(repo: Path, *entries: tuple[str, Path], path: str = ALLOWED) -> None:
    """Write the allowed (or revoked) signers file and commit it, as a reviewed change."""
    (repo / path).write_text("".join(f"{who} {public(key)}\n" for who, key in entries))
    commit(repo, f"Update {path}")


def use_key(repo: Path, key: Path) -> None:
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))


def require_signatures(repo: Path, on: bool = True) -> None:
    cfg = repo / CONFIG
    old, new = ("false", "true") if on else ("true", "false")
    cfg.write_text(
        cfg.read_text().replace(f"require_signatures: {old}", f"require_signatures: {new}")
    )


def forge(repo: Path, key: Path, phase: str = "design", at: str = "HEAD") -> None:
    """An approval in alice's name signed with `key`, written straight into the notes, the
    way a clone that bypasses git-milestone could."""
    gates = {"design": "design_to_spec", "spec": "spec_to_task"}
    details = {
        "phase": phase,
        "gate": gates[phase],
        "criteria": [],
        "approver": ALICE,
        "roles": ["anyone"],
    }
    event = Event(
        secrets.token_hex(10),
        "2026-11-02T10:00:00.000Z",
        "phase_approved",
        "M-001",
        "task-001",
        details,
        None,
        f"Alice <{ALICE}>",
    )
    cmd = ["ssh-keygen", "-Y", "sign", "-n", NAMESPACE, "-f", str(key)]
    sig = subprocess.run(cmd, input=canonical(event), capture_output=True, check=True).stdout
    signature = {"format": "ssh", "signature": sig.decode()}
    signed = event._replace(details={**details, "signature": signature})
    git(repo, "notes", f"--ref={NOTES}", "append", "-m", signed.to_json(), at)


def verify(run_cli: Callable[..., Result], *args: str) -> tuple[int, dict[str, object]]:
    result = run_cli("verify", *args, "--json")
    return result.exit_code, json.loads(result.stdout)


def states(report: dict[str, object]) -> list[str]:
    rows = report["approvals"]
    assert isinstance(rows, list)
    return [str(a["verification"]["state"]) for a in rows]


# Built once per test process and copied into each test: the keys, and the repository with
# signatures required, alice's key allowed and configured, and design of task-001 completed.
_BUILT: dict[str, Path] = {}


@pytest.fixture
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if "keys" not in _BUILT:
        _BUILT["keys"] = tmp_path_factory.mktemp("keys")
        for name in ("alice", "alice-new", "mallory"):
            keygen(_BUILT["keys"], name)
    return {name: _BUILT["keys"] / name for name in ("alice", "alice-new", "mallory")}


@pytest.fixture
def signed(
    repo: Path,
    run_cli: Callable[..., Result],
    keys: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """Signatures required; alice's key allowed and configured; design of task-001 done."""
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", ALICE)
    if "signed" in _BUILT:
        shutil.rmtree(repo)
        shutil.copytree(_BUILT["signed"], repo, symlinks=True)
        monkeypatch.chdir(repo)  # the old folder of that name is gone
        return repo
    ok(run_cli("init"))
    cfg = repo / CONFIG
    cfg.write_text(cfg.read_text().replace("suffix_length: 4", "suffix_length: 0"))
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login API", "--hours", "10", "--phases"))
    require_signatures(repo)
    allow(repo, (ALICE, keys["alice"]))
    use_key(repo, keys["alice"])
    walk(run_cli, "start design", "complete design")
    _BUILT["signed"] = tmp_path_factory.mktemp("signed") / "repo"
    shutil.copytree(repo, _BUILT["signed"], symlinks=True)
    return repo


def test_a_signed_approval_opens_the_gate(signed: Path, run_cli: Callable[..., Result]) -> None:
    out = ok(run_cli("phase", "approve", REF))

    assert "Signed: signature verified (SHA256:" in out
    assert "notice:" not in out
    assert ok(run_cli("phase", "start", REF, "spec")) == f"Started spec of {REF}\n"
    status = ok(run_cli("phase", "status", REF))
    assert f"             approved by {ALICE} — signature verified" in status.splitlines()
    code, report = verify(run_cli)
    assert (code, report["ok"], states(report)) == (0, True, ["verified"])
    note = git(signed, "notes", f"--ref={NOTES}", "show", "HEAD")
    approval = next(json.loads(x) for x in note.splitlines() if "phase_approved" in x)
    assert approval["details"]["signature"]["format"] == "ssh"
    assert "-----BEGIN SSH SIGNATURE-----" in approval["details"]["signature"]["signature"]


def test_a_spoofed_email_with_another_key_is_refused_and_nothing_written(
    signed: Path, run_cli: Callable[..., Result], keys: dict[str, Path]
) -> None:
    use_key(signed, keys["mallory"])  # GIT_AUTHOR_EMAIL still says alice
    before = tree_snapshot(signed)

    result = run_cli("phase", "approve", REF)

    lines = assert_user_error(
        result, "gate design_to_spec needs a signature that verifies", "does not list"
    )
    assert ALLOWED in lines[-1]
    assert tree_snapshot(signed) == before
    assert "phase_approved" not in run_cli("log", "--json").output
    assert_user_error(run_cli("phase", "start", REF, "spec"), "needs an approval")


def test_an_unsigned_approval_is_shown_as_such_and_a_signed_one_replaces_it(
    signed: Path, run_cli: Callable[..., Result], keys: dict[str, Path]
) -> None:
    require_signatures(signed, on=False)
    git(signed, "config", "--unset", "user.signingkey")
    git(signed, "config", "--unset", "gpg.format")
    out = ok(run_cli("phase", "approve", REF))
    assert "notice: approval recorded unsigned" in out
    require_signatures(signed)
    commit(signed, "Require signed approvals")

    status = ok(run_cli("phase", "status", REF)).splitlines()
    refused = run_cli("phase", "start", REF, "spec")

    assert f"             approved by {ALICE} — signature missing" in status
    assert "             gate design_to_spec stays closed: it needs a signed approval" in status
    assert_user_error(
        refused,
        "gate design_to_spec needs a signed approval",
        f"approved by {ALICE} — signature missing",
    )
    assert verify(run_cli)[0] == 1
    use_key(signed, keys["alice"])
    assert "Signed: signature verified" in ok(run_cli("phase", "approve", REF, "design"))
    assert ok(run_cli("phase", "start", REF, "spec")) == f"Started spec of {REF}\n"


def test_a_note_edited_after_signing_fails_everywhere(
    signed: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("phase", "approve", REF))
    note = git(signed, "notes", f"--ref={NOTES}", "show", "HEAD")
    edited = note.replace('"criteria":["architecture_approved",', '"criteria":[')
    assert edited != note
    git(signed, "notes", f"--ref={NOTES}", "add", "-f", "-m", edited, "HEAD")

    code, report = verify(run_cli)
    text = run_cli("verify").output
    lint = run_cli("lint", "M-001")
    status = ok(run_cli("status"))

    assert (code, report["ok"], states(report)) == (1, False, ["bad-signature"])
    assert text.startswith(
        f"FAIL {REF} design (design_to_spec): approved by {ALICE} — "
        "signature does not match the event"
    )
    assert lint.exit_code == 1 and "MS018" in lint.output
    assert "APPROVALS NOT VERIFIED" in status
    assert_user_error(run_cli("phase", "start", REF, "spec"), "needs a signed approval")


def test_key_rotation_keeps_history_and_refuses_forgeries(
    signed: Path, run_cli: Callable[..., Result], keys: dict[str, Path]
) -> None:
    ok(run_cli("phase", "approve", REF))
    approved_at = git(signed, "rev-parse", "HEAD").strip()
    allow(signed, (ALICE, keys["alice-new"]))  # rotate: the old key is no longer listed
    use_key(signed, keys["alice-new"])
    walk(run_cli, "start spec", "complete spec", "approve spec")

    assert states(verify(run_cli)[1]) == ["verified", "verified"]
    forge(signed, keys["mallory"], "spec")  # an unknown key, in alice's name
    code, report = verify(run_cli)
    assert (code, sorted(states(report))) == (1, ["unknown-key", "verified", "verified"])
    # Adding mallory's key later does not bless a forgery attached to an older commit.
    forge(signed, keys["mallory"], "design", at=approved_at)
    allow(signed, (ALICE, keys["alice-new"]), (ALICE, keys["mallory"]))
    rows = verify(run_cli, REF)[1]["approvals"]
    assert isinstance(rows, list)
    old = [a for a in rows if a["commit"] == approved_at]
    assert sorted(a["verification"]["state"] for a in old) == ["unknown-key", "verified"]


def test_a_revoked_key_fails_everywhere_and_other_keys_still_verify(
    signed: Path, run_cli: Callable[..., Result], keys: dict[str, Path]
) -> None:
    ok(run_cli("phase", "approve", REF))
    allow(signed, (ALICE, keys["alice-new"]))
    use_key(signed, keys["alice-new"])
    walk(run_cli, "start spec", "complete spec", "approve spec")
    revoked = signed / ".milestones/config/revoked-signers"
    revoked.write_text(f"# lost laptop\n{ALICE} {public(keys['alice'])} old laptop\nnot a key\n")
    commit(signed, "Revoke alice's old key")

    code, report = verify(run_cli)

    assert (code, states(report)) == (1, ["revoked", "verified"])
    assert "signed with a revoked key SHA256:" in run_cli("verify").output


def test_a_clone_that_syncs_a_forged_approval_sees_it_refused(
    signed: Path,
    run_cli: Callable[..., Result],
    keys: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    commit(signed, "Design done")
    git(signed, "remote", "add", "origin", str(remote))
    git(signed, "push", "-q", "origin", "main")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    path = ms_file(other, "M-001")  # the forger marks design approved and signs as alice
    path.write_text(path.read_text().replace("status: completed", "status: approved", 1))
    commit(other, "Approve design")
    forge(other, keys["mallory"])
    git(other, "push", "-q", "origin", "main")
    monkeypatch.chdir(other)
    ok(run_cli("sync"))

    monkeypatch.chdir(signed)
    git(signed, "pull", "-q", "--ff-only", "origin", "main")
    ok(run_cli("sync"))

    assert "status: approved" in ms_file(signed, "M-001").read_text()
    assert states(verify(run_cli)[1]) == ["unknown-key"]
    status = ok(run_cli("phase", "status", REF))
    assert f"approved by {ALICE} — signed with a key {ALLOWED}" in status
    assert_user_error(run_cli("phase", "start", REF, "spec"), "needs a signed approval")


def test_a_milestone_sign_off_is_signed_on_complete(
    signed: Path,
    run_cli: Callable[..., Result],
    keys: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = ms_file(signed, "M-001")
    path.write_text(path.read_text() + "sign_off:\n  approvers: [alice@example.com]\n")
    commit(signed, "Ask for a sign-off")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bob@example.com")
    assert_user_error(run_cli("complete", "M-001", "--force"), "bob@example.com is not an approver")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", ALICE)

    out = ok(run_cli("complete", "M-001", "--force"))

    assert out.splitlines()[-1] == f"Signed off by {ALICE} — signature verified"
    code, report = verify(run_cli, "M-001")
    rows = report["approvals"]
    assert isinstance(rows, list)
    assert (code, [(a["kind"], a["gate"]) for a in rows]) == (0, [("sign-off", "sign_off")])


def test_verify_without_approvals_and_its_help(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    assert ok(run_cli("verify")) == "No approvals or sign-offs are recorded.\n"
    assert "allowed-signers" in ok(run_cli("verify", "--help"))


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed (gnupg)")
def test_an_openpgp_signed_approval_verifies_by_fingerprint(
    signed: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    home = tempfile.mkdtemp(prefix="gm-gpg-")  # short: gpg-agent's socket path is limited
    monkeypatch.setenv("GNUPGHOME", home)
    try:
        gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
        subprocess.run(
            [*gpg, "--quick-gen-key", ALICE, "ed25519", "sign", "never"],
            check=True,
            capture_output=True,
        )
        listing = subprocess.run(
            ["gpg", "--with-colons", "--list-keys", ALICE],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        fpr = next(x.split(":")[9] for x in listing.splitlines() if x.startswith("fpr"))
        (signed / ALLOWED).write_text(f"{ALICE} openpgp {fpr}\n")
        commit(signed, "Allow alice's OpenPGP key")
        git(signed, "config", "gpg.format", "openpgp")
        git(signed, "config", "user.signingkey", fpr)

        assert "Signed: signature verified" in ok(run_cli("phase", "approve", REF))
        code, report = verify(run_cli)
        assert (code, states(report)) == (0, ["verified"])
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def logged_keygen(repo: Path, folder: Path) -> Path:
    """ssh-keygen as git's ssh program for `repo`, each run's action (`verify`, ...) logged
    to the file returned."""
    calls = folder / "calls"
    wrapper = folder / "ssh-keygen-logged"
    wrapper.write_text(f'#!/bin/sh\necho "$2" >> {calls}\nexec ssh-keygen "$@"\n')
    wrapper.chmod(0o755)
    git(repo, "config", "gpg.ssh.program", str(wrapper))
    return calls


def test_each_event_is_verified_once_per_command(
    signed: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    from gitmilestone.git.eventlog import all_events
    from gitmilestone.git.verification import Verifier

    ok(run_cli("phase", "approve", REF))
    calls = logged_keygen(signed, tmp_path)
    (approval,) = [e for e in all_events(signed)[0] if e.event_type == "phase_approved"]
    verifier = Verifier(signed)

    first, again = verifier.verify(approval, ALICE), verifier.verify(approval, ALICE)

    assert first == again and first.ok
    assert calls.read_text().split() == ["verify"]


def test_an_approval_survives_a_rewrite_of_its_commit(
    signed: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("phase", "approve", REF))
    before = git(signed, "rev-parse", "HEAD").strip()
    git(signed, "-c", "core.hooksPath=/dev/null", "commit", "-q", "--amend", "-m", "Reworded")

    rows = verify(run_cli)[1]["approvals"]

    assert isinstance(rows, list)
    assert [(a["commit"] != before, a["verification"]["state"]) for a in rows] == [
        (True, "verified")
    ]


def test_on_an_unsigned_gate_an_unlisted_key_is_recorded_with_a_warning(
    signed: Path, run_cli: Callable[..., Result], keys: dict[str, Path]
) -> None:
    require_signatures(signed, on=False)
    use_key(signed, keys["mallory"])

    out = ok(run_cli("phase", "approve", REF))

    assert "warning: approval signed, but signed with a key" in out
    assert ok(run_cli("phase", "start", REF, "spec")) == f"Started spec of {REF}\n"
    code, report = verify(run_cli)
    assert (code, states(report)) == (1, ["unknown-key"])


def test_views_read_a_kept_verdict_back_until_head_moves_and_verify_always_checks(
    signed: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run_cli("phase", "approve", REF))
    calls = logged_keygen(signed, tmp_path)

    def shown() -> list[str]:
        data = json.loads(ok(run_cli("status", "--json")))
        return [a["verification"]["state"] for a in data["approvals"]]

    def checks() -> list[str]:
        found = calls.read_text().split() if calls.exists() else []
        calls.unlink(missing_ok=True)
        return found

    views = signed / ".git/milestones/views.cache"
    assert shown() == ["verified"] and checks() == ["verify"]  # checked, and kept
    assert shown() == ["verified"] and checks() == []  # the whole view read back
    views.unlink()
    assert shown() == ["verified"] and checks() == []  # computed, with the verdict read back
    assert states(verify(run_cli)[1]) == ["verified"] and checks() == ["verify"]
    (signed / "notes.txt").write_text("HEAD moves\n")
    commit(signed, "Notes")
    assert shown() == ["verified"] and checks() == ["verify"]  # a new HEAD: checked again
    (signed / ".git/milestones/verdicts.cache").write_bytes(b"\x00 not a cache")
    views.unlink()
    assert shown() == ["verified"] and checks() == ["verify"]
