from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from contradict.errors import ModelError
from contradict.pipeline import nli
from contradict.pipeline.nli import NLIScorer, Precision, label_order, model_text, resolve_model

from .conftest import TINY_NLI, build_tiny_model, row_gap


@pytest.mark.parametrize(
    ("id2label", "expected"),
    [
        ({0: "entailment", 1: "neutral", 2: "contradiction"}, [0, 1, 2]),
        ({0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"}, [1, 2, 0]),
        ({"0": "contradiction", "1": "entailment", "2": "neutral"}, [1, 2, 0]),
        ({0: "Refutes", 1: "Not Enough Info", 2: "Supports"}, [2, 1, 0]),
    ],
)
def test_label_order_reads_id2label(id2label: dict, expected: list[int]) -> None:
    assert label_order(id2label) == expected


@pytest.mark.parametrize(
    "id2label", [{0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, {0: "entailment", 1: "not_entailment"}]
)
def test_unmappable_labels_are_refused(id2label: dict) -> None:
    with pytest.raises(ModelError, match="cannot map"):
        label_order(id2label)


def test_empty_input_gives_empty_array(tiny_model: Path) -> None:
    scorer = NLIScorer(tiny_model)
    out = scorer.predict([])
    assert out.shape == (0, 3)
    assert scorer._loaded is None  # nothing loaded for nothing to do


def test_rows_are_probabilities_in_input_order(tiny_model: Path) -> None:
    pairs = [
        ("the cat sat on the mat", "the dog sat"),
        ("it rains", "the sky is blue today and the sun is red and there were no cats on the mat"),
        ("a dog", "a cat"),
        ("the sky is blue", "the sky is not blue"),
        ("sun", "the sun is red today"),
    ]
    scorer = NLIScorer(tiny_model, batch_size=2, precision="fp32")  # bf16 rows shift with the padding (~1e-3)
    batched = scorer.predict(pairs)
    assert batched.shape == (5, 3)
    np.testing.assert_allclose(batched.sum(axis=1), 1.0, rtol=1e-5)
    one_by_one = np.vstack([scorer.predict([p]) for p in pairs])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    # the batches run longest first: two rows put back in the wrong places would be off by at least this
    assert row_gap(one_by_one) > 1e-3


def test_the_tiny_model_reads_a_negation_as_a_contradiction(tiny_model: Path) -> None:
    """The fixture model learnt something, and its CONTRADICTION column (0) lands in canonical column 2."""
    probs = NLIScorer(tiny_model, precision="fp32").predict(
        [("the sky is blue", "the sky is not blue"), ("the sky is blue", "the sky is blue")]
    )
    assert probs[0].argmax() == 2
    assert probs[1].argmax() == 0


def test_model_text_writes_typographic_punctuation_in_ascii() -> None:
    assert model_text("the country’s “surgical strikes” — 20…\u00a0sorties – ‘ok’") == (
        "the country's \"surgical strikes\" -- 20... sorties - 'ok'"
    )
    assert model_text("plain ASCII stays as it is.") == "plain ASCII stays as it is."


def test_scorer_reads_curly_and_straight_quotes_alike(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = NLIScorer(tiny_model)
    pairs = [
        ("the country’s “first” raids", "they hit nothing — nothing at all"),
        ('the country\'s "first" raids', "they hit nothing -- nothing at all"),
    ]
    curly, straight = scorer.predict(pairs)
    np.testing.assert_allclose(curly, straight, atol=1e-6)
    # the model itself reads the two apart (’ is [UNK] to it, ' a token): the equality is model_text's doing
    monkeypatch.setattr(nli, "model_text", lambda text: text)
    curly, straight = scorer.predict(pairs)
    assert np.abs(curly - straight).max() > 1e-3


def test_columns_follow_canonical_order_whatever_the_model_order(tmp_path: Path) -> None:
    a = build_tiny_model(tmp_path / "a", {0: "entailment", 1: "neutral", 2: "contradiction"})
    b = build_tiny_model(tmp_path / "b", {0: "contradiction", 1: "entailment", 2: "neutral"})
    pairs = [("the cat sat", "the dog sat"), ("it rains", "the sun")]
    pa, pb = NLIScorer(a).predict(pairs), NLIScorer(b).predict(pairs)
    # Same weights, different label names: raw logits (r0, r1, r2) read as (ent, neu, con) by model a and
    # as (con, ent, neu) by model b, so b's canonical row is (r1, r2, r0).
    assert not np.allclose(pa, pb)
    np.testing.assert_allclose(pa[:, [1, 2, 0]], pb, atol=1e-6)


def test_progress_reports_every_pair(tiny_model: Path) -> None:
    seen: list[tuple[int, int]] = []
    NLIScorer(tiny_model, batch_size=2).predict([("a cat", "a dog")] * 5, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_pickle_only_checkpoint_is_refused(tmp_path: Path) -> None:
    path = build_tiny_model(tmp_path / "bin", weights="bin")
    assert (path / "pytorch_model.bin").exists()
    with pytest.raises(ModelError, match="safetensors only"):
        NLIScorer(path).warm_up()


def test_missing_weights_are_reported(tmp_path: Path) -> None:
    path = build_tiny_model(tmp_path / "none", weights="none")
    with pytest.raises(ModelError, match="no model weights"):
        NLIScorer(path).warm_up()


def test_corrupt_safetensors_are_reported(tmp_path: Path, tiny_model: Path) -> None:
    path = tmp_path / "corrupt"
    shutil.copytree(tiny_model, path)
    (path / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="cannot load model"):
        NLIScorer(path).warm_up()


def test_unmappable_model_is_refused_on_load(tmp_path: Path) -> None:
    path = build_tiny_model(tmp_path / "lab", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(ModelError, match="cannot map"):
        NLIScorer(path).warm_up()


def test_missing_directory_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        resolve_model(tmp_path / "nope")


def test_hub_ids_pass_through() -> None:
    assert resolve_model("cross-encoder/nli-deberta-v3-xsmall") == "cross-encoder/nli-deberta-v3-xsmall"


def test_bf16_and_int8_stay_close_to_fp32(tiny_model: Path, tmp_path: Path) -> None:
    one_of_each_label = [TINY_NLI[i][:2] for i in (3, 5, 8)]
    pairs = [("the cat sat on the mat", "the dog sat"), ("it rains", "the sun is red"), *one_of_each_label]
    ref = NLIScorer(tiny_model, precision="fp32").predict(pairs)
    for precision in ("bf16", "int8"):
        out = NLIScorer(tiny_model, precision=precision).predict(pairs)
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-4)
        assert np.abs(out - ref).max() < 0.05
    # 0.05 tells this model from another one of the same shape, and any two of its rows or columns apart
    other = NLIScorer(build_tiny_model(tmp_path / "other", seed=1), precision="fp32").predict(pairs)
    assert np.abs(other - ref).max() > 0.2
    assert row_gap(ref) > 0.05 and row_gap(ref.T) > 0.05


def test_auto_precision_is_bf16_only_with_native_bf16_instructions(monkeypatch: pytest.MonkeyPatch) -> None:
    from contradict.pipeline import nli

    assert nli.cpu_has_native_bf16("flags : fpu avx2 avx512f avx512_bf16 avx512_vnni")
    assert nli.cpu_has_native_bf16("flags : fpu avx2 amx_bf16 amx_tile")
    assert not nli.cpu_has_native_bf16("flags : fpu avx2 avx512f avx512bw")  # AVX-512 alone emulates bf16: slow
    monkeypatch.setattr(nli, "cpu_has_native_bf16", lambda: True)
    assert nli.resolve_precision("auto") is Precision.bf16
    monkeypatch.setattr(nli, "cpu_has_native_bf16", lambda: False)
    assert nli.resolve_precision("auto") is Precision.fp32
    assert nli.resolve_precision("int8") is Precision.int8
    assert NLIScorer(None, precision="auto").precision is Precision.fp32
