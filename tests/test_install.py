"""A non-editable install still finds the shipped eval tasks and the default model (package data)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.skipif(
    not (REPO / "models" / "contradict-minilm-l6-nli" / "config.json").is_file(), reason="no shipped model"
)


def test_wheel_carries_tasks_and_default_model(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-800:]
    (wheel,) = tmp_path.glob("contradict-*.whl")
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-800:]
    probe = (
        "import contradict, contradict.pipeline.nli as n, contradict.evaluation.tasks as t;"
        "print(n.resolve_model(None)); print(len(t.available_tasks()))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CONTRADICT_MODELS", "CONTRADICT_TASKS")}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr[-800:]
    model_dir, n_tasks = out.stdout.split()
    assert Path(model_dir).is_relative_to(site)
    assert int(n_tasks) == len(list((REPO / "eval" / "tasks").glob("*.yaml")))
