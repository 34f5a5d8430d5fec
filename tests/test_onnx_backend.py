"""The ONNX Runtime backend: graph export, weights from safetensors, parity with torch, clear errors."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from contradict import api
from contradict.errors import ConfigError, ModelError
from contradict.pipeline import onnx_backend
from contradict.pipeline.nli import Backend, NLIScorer, Precision
from contradict.pipeline.onnx_backend import GRAPH_FILE, GraphKind, export_graph, index_path
from contradict.pipeline.relatedness import Embedder

from .conftest import REPO, VOCAB, build_tiny_model, row_gap

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

PAIRS = [
    ("the cat sat on the mat", "the cat is not on the mat"),
    ("it rains", "the sun is there today"),
    ("the dog", "a dog sat"),
    (" ".join(["the red cat sat on the blue mat"] * 12), "no dog"),  # longer than max_length 64: truncated
]


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Path:
    """A copy of the session's tiny model with its graph."""
    path = tmp_path_factory.mktemp("onnx") / "model"
    shutil.copytree(tiny_model, path)
    export_graph(path, GraphKind.nli)
    return path


def build_tiny_encoder(path: Path, hidden: int = 16) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(1)
    path.mkdir(parents=True, exist_ok=True)
    BertTokenizerFast(vocab={w: i for i, w in enumerate(VOCAB)}, model_max_length=64).save_pretrained(path)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        initializer_range=0.2,  # as build_tiny_model: embeddings that differ clearly between texts
    )
    BertModel(config).eval().save_pretrained(path, safe_serialization=True)
    return path


def test_graph_holds_no_weights(onnx_model: Path) -> None:
    import onnx

    graph = onnx.load(str(onnx_model / GRAPH_FILE), load_external_data=False)
    inits = list(graph.graph.initializer)
    assert inits
    assert all(init.data_location == onnx.TensorProto.EXTERNAL and not init.raw_data for init in inits)
    from safetensors.numpy import load_file

    assert {init.name for init in inits} <= set(load_file(str(onnx_model / "model.safetensors")))


def test_the_index_lets_onnxruntime_run_without_the_onnx_package(
    onnx_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = NLIScorer(onnx_model, backend=Backend.onnx).predict(PAIRS)
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now fails, as in a core-only install
    np.testing.assert_allclose(NLIScorer(onnx_model, backend=Backend.onnx).predict(PAIRS), ref, atol=1e-6)


def test_an_index_of_another_graph_is_not_trusted(
    tmp_path: Path, onnx_model: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    model = tmp_path / "model"
    shutil.copytree(onnx_model, model)
    index = index_path(model / GRAPH_FILE)
    stale = json.loads(index.read_text(encoding="utf-8"))
    stale["sha256"] = "0" * 64
    index.write_text(json.dumps(stale), encoding="utf-8")
    ref = NLIScorer(onnx_model, backend=Backend.onnx).predict(PAIRS[:2])
    np.testing.assert_allclose(NLIScorer(model, backend=Backend.onnx).predict(PAIRS[:2]), ref, atol=1e-6)
    assert "written for another graph" in caplog.text  # read from the graph itself, with onnx
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ModelError, match="export-onnx"):
        NLIScorer(model, backend=Backend.onnx).predict(PAIRS[:2])
    index.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read the ONNX graph index"):
        NLIScorer(model, backend=Backend.onnx).predict(PAIRS[:2])


@pytest.mark.parametrize("graph", sorted((REPO / "models").glob(f"*/{GRAPH_FILE}")), ids=lambda p: p.parent.name)
def test_shipped_graphs_have_an_index_that_fits(graph: Path) -> None:
    index = json.loads(index_path(graph).read_text(encoding="utf-8"))
    assert index["graph"] == graph.name
    assert onnx_backend._graph_initializers(graph) == onnx_backend._read_initializers(graph)


def test_onnx_scores_equal_torch_fp32_in_the_callers_order(onnx_model: Path) -> None:
    torch_probs = NLIScorer(onnx_model, precision="fp32").predict(PAIRS)
    scorer = NLIScorer(onnx_model, backend=Backend.onnx)
    onnx_probs = scorer.predict(PAIRS, batch_size=2)
    assert scorer.precision is Precision.fp32
    assert onnx_probs.shape == (len(PAIRS), 3)
    np.testing.assert_allclose(onnx_probs, torch_probs, atol=1e-4)
    # one pair at a time gives the same rows: order restored, padding has no effect
    single = np.vstack([scorer.predict([p]) for p in PAIRS])
    np.testing.assert_allclose(single, onnx_probs, atol=1e-5)
    assert row_gap(single) > 1e-3  # two rows trading places would show


def test_onnx_reads_label_order_from_config(tmp_path: Path) -> None:
    path = build_tiny_model(tmp_path / "m", id2label={0: "neutral", 1: "contradiction", 2: "entailment"})
    export_graph(path, GraphKind.nli)
    torch_probs = NLIScorer(path, precision="fp32").predict(PAIRS[:2])
    np.testing.assert_allclose(NLIScorer(path, backend="onnx").predict(PAIRS[:2]), torch_probs, atol=1e-4)


def test_missing_graph_names_the_export_command(tiny_model: Path) -> None:
    with pytest.raises(ModelError, match="export-onnx"):
        NLIScorer(tiny_model, backend=Backend.onnx).predict(PAIRS[:1])


def test_graph_of_another_architecture_is_refused(tmp_path: Path, onnx_model: Path) -> None:
    other = build_tiny_encoder(tmp_path / "enc", hidden=8)
    shutil.copy(onnx_model / GRAPH_FILE, other / GRAPH_FILE)
    shutil.copy(index_path(onnx_model / GRAPH_FILE), index_path(other / GRAPH_FILE))
    with pytest.raises(ModelError, match="does not fit"):
        Embedder(str(other), backend=Backend.onnx).embed(["the cat"])


def test_onnx_backend_refuses_reduced_precision(onnx_model: Path) -> None:
    for precision in ("bf16", "int8"):
        with pytest.raises(ConfigError, match="fp32"):
            NLIScorer(onnx_model, backend=Backend.onnx, precision=precision)


def test_onnx_embeddings_equal_torch(tmp_path: Path) -> None:
    path = build_tiny_encoder(tmp_path / "enc")
    export_graph(path, GraphKind.encoder)
    texts = ["the cat sat on the mat", "it rains", "a dog"]
    ref = Embedder(str(path), precision="fp32").embed(texts)
    out = Embedder(str(path), backend=Backend.onnx).embed(texts)
    np.testing.assert_allclose(out, ref, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert row_gap(ref) > 1e-2  # the texts get embeddings of their own


def test_auto_backend_rule(onnx_model: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = str(onnx_model)
    assert api.choose_backend(Backend.torch, model, 10) is Backend.torch
    assert api.choose_backend(Backend.onnx, str(tiny_model), 10) is Backend.onnx  # explicit choice kept
    # torch already imported in this process: nothing to save by avoiding it
    assert api.choose_backend(Backend.auto, model, 10) is Backend.torch
    monkeypatch.delitem(sys.modules, "torch")
    assert api.choose_backend(Backend.auto, model, 10) is Backend.onnx
    assert api.choose_backend(Backend.auto, model, api.ONNX_AUTO_MAX_CHARS + 1) is Backend.torch
    assert api.choose_backend(Backend.auto, str(tiny_model), 10) is Backend.torch  # no graph
    assert api.choose_backend(Backend.auto, model, 10, Precision.int8) is Backend.torch


def test_detect_reports_the_backend(onnx_model: Path, fake_embedder) -> None:
    report = api.detect(
        "The cat sat on the mat. The cat is not on the mat.",
        model=onnx_model,
        backend=Backend.onnx,
        embedder=fake_embedder,
        threshold=0.0,
    )
    assert report.to_dict()["backend"] == "onnx"
    assert report.to_dict()["precision"] == "fp32"
    assert report.scores is not None and len(report.scores.pairs) == 1
