"""`contradict batch --engine ray` on a real local Ray cluster (two CPUs, started here and torn down)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contradict.batch import Engine, run

from .conftest import FakeEmbedder, FakeScorer
from .test_batch import DOCS, read_rows, write_jsonl

ray = pytest.importorskip("ray", reason="Ray is the optional extra contradict[ray]")
pytest.importorskip("ray.data", reason="Ray Data is the optional extra contradict[ray]")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    # the actors unpickle the fakes of tests/conftest.py by reference: they import them from the repository
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": {"PYTHONPATH": str(REPO)}})
    yield
    ray.shutdown()


def test_ray_rows_equal_the_local_engine(tmp_path: Path, cluster) -> None:
    records = [{"id": f"{k}-{i}", "text": v} for i in range(2) for k, v in DOCS.items()]
    records.append({"id": "empty", "text": ""})
    source = write_jsonl(tmp_path / "archive.jsonl", records)
    factories = {"scorer_factory": FakeScorer, "embedder_factory": FakeEmbedder}
    local = run(source, tmp_path / "local.jsonl", **factories)
    distributed = run(source, tmp_path / "ray.jsonl", engine=Engine.ray, workers=2, batch_size=3, **factories)
    assert read_rows(tmp_path / "ray.jsonl") == read_rows(tmp_path / "local.jsonl")
    assert (distributed.documents, distributed.ok, distributed.found, distributed.errors) == (
        local.documents,
        local.ok,
        local.found,
        local.errors,
    )
    assert ray.is_initialized()  # the test's cluster is left for the test to shut down


def test_ray_resumes_a_local_run(tmp_path: Path, cluster) -> None:
    source = write_jsonl(tmp_path / "archive.jsonl", [{"id": k, "text": v} for k, v in DOCS.items()])
    factories = {"scorer_factory": FakeScorer, "embedder_factory": FakeEmbedder}
    whole = tmp_path / "whole.jsonl"
    run(source, whole, **factories)
    partial = tmp_path / "partial.jsonl"
    partial.write_text("".join(whole.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    summary = run(source, partial, engine=Engine.ray, workers=1, **factories)
    assert (summary.resumed, summary.checked) == (2, len(DOCS) - 2)
    assert read_rows(partial) == read_rows(whole)
    assert all(json.loads(line)["status"] == "ok" for line in partial.read_text(encoding="utf-8").splitlines())


def test_ray_reads_markup_views_like_the_local_engine(tmp_path: Path, cluster) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "a.md").write_text("# Bridge\n\n" + DOCS["bridge"], encoding="utf-8")
    (folder / "b.html").write_text(f"<p>{DOCS['flood']}</p>", encoding="utf-8")
    (folder / "c.txt").write_text(DOCS["rain"], encoding="utf-8")
    factories = {"scorer_factory": FakeScorer, "embedder_factory": FakeEmbedder}
    run(folder, tmp_path / "local.jsonl", **factories)
    run(folder, tmp_path / "ray.jsonl", engine=Engine.ray, workers=2, batch_size=1, **factories)
    rows = read_rows(tmp_path / "ray.jsonl")
    assert rows == read_rows(tmp_path / "local.jsonl")
    assert rows["b.html"]["report"]["claims"][0]["start"] == len("<p>")  # spans point into the original file
