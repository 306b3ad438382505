"""`edit`: the user's editor on a copy; the file is replaced only by a valid result, and an
invalid one is kept as a draft so nothing typed is ever lost."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitmilestone.core.model import Milestone
from gitmilestone.errors import InvalidFileError, MilestoneError
from gitmilestone.storage import atomic
from gitmilestone.storage.store import Store


def editor_command(store: Store) -> str:
    """The editor git itself would use (GIT_EDITOR, core.editor, VISUAL, EDITOR, vi)."""
    proc = subprocess.run(
        ["git", "var", "GIT_EDITOR"],
        cwd=store.paths.root,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or os.environ.get("EDITOR") or "vi"


def run_editor(command: str, path: Path) -> None:
    # Like git: the editor string is a shell snippet that may carry its own arguments.
    proc = subprocess.run(["sh", "-c", f'{command} "$@"', command, str(path)], check=False)
    if proc.returncode != 0:
        raise MilestoneError(
            f"the editor exited with status {proc.returncode}; the file was not changed",
            f"your text is kept in {path}; run the same edit again to continue",
        )


def edit_milestone(store: Store, ref: str, discard: bool = False) -> str:
    m = store.resolve(ref)
    original = store.text_of(m)
    draft = store.paths.local_dir / "drafts" / Path(m.path).name
    if discard and draft.exists():
        draft.unlink()
    resumed = draft.exists()
    if not resumed:
        draft.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(draft, original, str(draft))
    run_editor(editor_command(store), draft)
    text = draft.read_text(encoding="utf-8")
    if text == original:
        draft.unlink()
        return f"No changes to {m.id}."
    _check(store, m.id, m.path, text, draft)
    atomic.write_text(store.paths.root / m.path, text, m.path, expected=original)
    draft.unlink()
    return f"Saved {m.id} ({m.path})" + (" from your kept draft" if resumed else "")


def _check(store: Store, mid: str, shown: str, text: str, draft: Path) -> None:
    keep = f"your edit is kept in {draft}; run `git milestone edit {mid}` to fix it (or --discard)"
    try:
        data = store.parse("milestone", text, shown)
    except InvalidFileError as err:
        err.hint = f"{err.hint}; {keep}" if err.hint else keep
        raise
    if str(data.get("id")) != mid:
        raise InvalidFileError(
            f"the id changed from {mid} to {data.get('id')}",
            f"IDs are stable, keep it; {keep}",
            path=shown,
            field="id",
        )
    from gitmilestone.commands.check import refuse_broken_plan
    from gitmilestone.commands.plan import readable_plan

    location = Path(shown).parent.name
    try:
        changed = Milestone.from_dict(data, path=shown, location=location)
        refuse_broken_plan(readable_plan(store), changed)
    except MilestoneError as err:
        err.hint = f"{err.hint}; {keep}"
        raise
