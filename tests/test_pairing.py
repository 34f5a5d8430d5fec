from __future__ import annotations

import numpy as np
import pytest

from contradict.pipeline.pairing import Pairer, PairingStrategy
from contradict.types import Claim

from .conftest import FakeEmbedder


def _claims(texts: list[str]) -> list[Claim]:
    return [Claim(i, t, 0, len(t), "d") for i, t in enumerate(texts)]


def test_all_pairs_are_unordered_and_complete() -> None:
    pairs = Pairer(PairingStrategy.all).run(_claims(["a", "b", "c", "d"]))
    assert [(p.a, p.b) for p in pairs] == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]


def test_neighbours_keep_similar_and_shared_number_pairs() -> None:
    texts = [
        "the sky is blue over the city",
        "the sky is not blue over the city",
        "cats sleep on warm mats at noon",
        "dogs run in the park every morning",
        "the budget was 300 dollars last year",
        "officials spent 300 dollars on paint",
    ]
    claims = _claims(texts)
    emb = FakeEmbedder().embed(texts)
    pairs = {(p.a, p.b) for p in Pairer(PairingStrategy.neighbours, k=1).run(claims, emb)}
    assert (0, 1) in pairs  # nearest neighbours
    assert (4, 5) in pairs  # share a number
    assert len(pairs) < 15  # pruned: all pairs would be 15


def test_auto_switches_at_the_limit() -> None:
    texts = [f"claim number {i} about topic {i % 3}" for i in range(12)]
    emb = FakeEmbedder().embed(texts)
    assert len(Pairer(PairingStrategy.auto, auto_limit=20).run(_claims(texts), emb)) == 66
    assert len(Pairer(PairingStrategy.auto, auto_limit=5, k=1).run(_claims(texts), emb)) < 66


def test_neighbours_need_embeddings() -> None:
    with pytest.raises(ValueError, match="embedding"):
        Pairer(PairingStrategy.neighbours, auto_limit=2).run(_claims(["a", "b", "c"]))
    with pytest.raises(ValueError, match="k must be"):
        Pairer(k=0)


def test_neighbours_scale_blockwise() -> None:
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(3000, 16)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    pairs = Pairer(PairingStrategy.neighbours, k=5).run(_claims([f"c{i}" for i in range(3000)]), emb)
    assert 3000 * 5 / 2 <= len(pairs) <= 3000 * 5


def test_context_premises_are_windows_of_the_same_document_without_the_other_claim() -> None:
    texts = ["A one two three.", "B one two three.", "C one two three.", "D one two three."]
    claims = [Claim(i, t, 0, len(t), "d1" if i < 3 else "d2") for i, t in enumerate(texts)]
    pairer = Pairer(PairingStrategy.context, window=1)
    pairs = pairer.run(claims, FakeEmbedder().embed(texts))
    assert len(pairs) == 6  # short input: the pairs of `all`
    from_a, from_b = pairer.premises(claims, pairs)
    premise = {(p.a, p.b): (x, y) for p, x, y in zip(pairs, from_a, from_b, strict=True)}
    assert premise[(0, 2)] == ("A one two three. B one two three.", "B one two three. C one two three.")
    assert premise[(0, 1)] == ("A one two three.", "B one two three. C one two three.")  # B is the hypothesis
    assert premise[(2, 3)] == ("B one two three. C one two three.", "D one two three.")  # d2 is another document


def test_other_strategies_use_the_claim_as_premise() -> None:
    texts = ["A one two three.", "B one two three.", "C one two three."]
    claims = [Claim(i, t, 0, len(t), "d") for i, t in enumerate(texts)]
    pairer = Pairer(PairingStrategy.all)
    pairs = pairer.run(claims)
    assert pairer.premises(claims, pairs) == ([texts[p.a] for p in pairs], [texts[p.b] for p in pairs])


def test_detect_with_context_sends_windows_to_the_model(fake_scorer, fake_embedder) -> None:
    from contradict.api import detect

    text = "The sky is blue over the city.\nThe sun is out over the city.\nThe sky is not blue over the city."
    report = detect(text, scorer=fake_scorer, embedder=fake_embedder, pairer=Pairer(PairingStrategy.context))
    premises = [p for p, _ in fake_scorer.calls[0]]
    assert "The sky is blue over the city. The sun is out over the city." in premises
    assert len(fake_scorer.calls[0]) == 2 * len(report.scores.pairs)


def test_clauses_of_one_sentence_are_not_paired() -> None:
    from contradict.pipeline.segment import Segmenter
    from contradict.types import Document

    text = "They are clear about what they say, and their actions now reflect it.\nThe sky is not blue today."
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.sentence for c in claims] == [0, 0, 1]
    pairs = {(p.a, p.b) for p in Pairer(PairingStrategy.all).run(claims)}
    assert pairs == {(0, 2), (1, 2)}


def test_real_embedder_bf16_matches_fp32() -> None:
    from contradict.pipeline.relatedness import Embedder

    texts = ["Russian jets struck eight targets in Syria.", "No militants were near the bombed villages.", "Hi."]
    ref = Embedder(precision="fp32").embed(texts)
    fast = Embedder(precision="bf16").embed(texts)
    assert ref.shape == fast.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, rtol=1e-4)
    assert (ref * fast).sum(axis=1).min() > 0.999
