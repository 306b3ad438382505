"""The wheel carries the schemas and hook templates, and finds them once installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    proc = subprocess.run(
        [*cmd, "-w", str(out), str(ROOT)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    [built] = out.glob("git_milestone-*.whl")
    return built


def test_the_wheel_ships_schemas_and_hook_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert schemas
    assert {f"gitmilestone/_data/schemas/{s}" for s in schemas} <= names
    assert "gitmilestone/_data/hooks/shim.sh" in names
    assert "gitmilestone/resources.py" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "git-milestone = gitmilestone.launch:main" in zipfile.ZipFile(wheel).read(
        entry_points
    ).decode("utf-8")


def test_the_installed_package_finds_its_schemas(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target"]
    proc = subprocess.run(
        [*install, str(site), str(wheel)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import json, gitmilestone.resources as r\n"
        "p = r.schema_path('milestone')\n"
        "print(json.dumps([str(p), json.loads(p.read_text())['$id'], str(r.data_dir('hooks'))]))"
    )
    # -I would drop PYTHONPATH; -S keeps the venv's (editable) checkout off sys.path.
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    path, schema_id, hooks = json.loads(proc.stdout)
    assert Path(path).is_relative_to(site)
    assert Path(hooks).is_relative_to(site)
    assert schema_id == "urn:git-milestone:schema:milestone:1"
    assert (Path(hooks) / "shim.sh").is_file()
