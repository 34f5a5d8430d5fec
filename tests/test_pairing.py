from __future__ import annotations

import numpy as np
import pytest

from contradict.pipeline.pairing import Pairer, PairingStrategy, top_k_similar
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


def _against_claims(drafts: list[str], sources: list[str]) -> list[Claim]:
    texts = [("draft.txt", t) for t in drafts] + [("source.txt", t) for t in sources]
    return [Claim(i, t, 0, len(t), doc) for i, (doc, t) in enumerate(texts)]


def _documents_of(claims: list[Claim], pairs) -> list[set[str]]:
    by_id = {c.id: c.document for c in claims}
    return [{by_id[p.a], by_id[p.b]} for p in pairs]


# a draft whose claims resemble each other more than any source claim: a search over drafts and sources
# together pairs them among themselves, and most never meet a source claim
TOPICS = ["bridge", "budget", "school", "harbour", "museum", "stadium", "library", "airport"]
DRAFTS = [f"the council report says the city {t} plan was approved" for t in TOPICS]
SOURCES = [f"engineers said the {t} opened in {1990 + i} after delays" for i, t in enumerate(TOPICS)] + [
    f"weather on day {i} was mild with light wind from the sea" for i in range(30)
]


def test_against_each_draft_claim_meets_its_k_nearest_source_claims() -> None:
    claims = _against_claims(DRAFTS, SOURCES)
    emb = FakeEmbedder().embed([c.text for c in claims])
    draft_ids = [c.id for c in claims if c.document == "draft.txt"]
    source_ids = [c.id for c in claims if c.document == "source.txt"]
    for k in (1, 3):
        pairs = Pairer(PairingStrategy.neighbours, k=k).run(claims, emb, sources={"source.txt"})
        assert all(docs == {"draft.txt", "source.txt"} for docs in _documents_of(claims, pairs))
        got = {(p.a, p.b) for p in pairs}
        for i in draft_ids:
            sims = emb[source_ids] @ emb[i]
            paired = sorted((sims[n] for n, j in enumerate(source_ids) if (i, j) in got), reverse=True)
            # its k nearest source claims are among its pairs (any of equally near ones)
            np.testing.assert_allclose(paired[:k], np.sort(sims)[::-1][:k], rtol=1e-5)
    # the joint search the --against filter used to run over: some draft claims met no source claim at all
    joint = Pairer(PairingStrategy.neighbours, k=1).run(claims, emb)
    met = {p.a for p in joint if {claims[p.a].document, claims[p.b].document} == {"draft.txt", "source.txt"}}
    assert set(draft_ids) - met


def test_against_keeps_shared_number_pairs_across_documents_only() -> None:
    drafts = ["the bridge cost 300 dollars to build", "cats sleep on warm mats at noon"]
    sources = ["officials spent 300 dollars on paint", "a survey found 300 dollars missing", "dogs nap on mats"]
    claims = _against_claims(drafts, sources)
    emb = FakeEmbedder().embed([c.text for c in claims])
    pairs = {(p.a, p.b) for p in Pairer(PairingStrategy.neighbours, k=1).run(claims, emb, sources={"source.txt"})}
    assert {(0, 2), (0, 3)} <= pairs  # the draft's number meets both source claims that have it
    assert (2, 3) not in pairs  # two source claims sharing the number are no candidate


def test_against_also_internal_adds_draft_pairs_never_source_pairs() -> None:
    claims = _against_claims(DRAFTS, SOURCES)
    emb = FakeEmbedder().embed([c.text for c in claims])
    pairer = Pairer(PairingStrategy.neighbours, k=2)
    cross = pairer.run(claims, emb, sources={"source.txt"})
    both = pairer.run(claims, emb, sources={"source.txt"}, also_internal=True)
    docs = _documents_of(claims, both)
    assert {(p.a, p.b) for p in cross} < {(p.a, p.b) for p in both}
    assert {"draft.txt"} in docs and {"source.txt"} not in docs


@pytest.mark.parametrize(("n_sources", "all_pairs"), [(30, True), (300, False)])
def test_against_auto_scores_all_draft_source_pairs_within_the_budget(n_sources: int, all_pairs: bool) -> None:
    """A headline against an article: 30 pairs are fewer than the 190 of 20 claims, so all are scored."""
    claims = _against_claims(
        ["the bridge over the river was never built"], [f"source claim {i}" for i in range(n_sources)]
    )
    emb = FakeEmbedder().embed([c.text for c in claims])
    pairs = Pairer().run(claims, emb, sources={"source.txt"})
    assert (len(pairs) == n_sources) is all_pairs
    assert all(docs == {"draft.txt", "source.txt"} for docs in _documents_of(claims, pairs))


def test_against_without_draft_claims_gives_no_pairs() -> None:
    claims = _against_claims([], SOURCES)
    emb = FakeEmbedder().embed([c.text for c in claims])
    assert Pairer(PairingStrategy.neighbours).run(claims, emb, sources={"source.txt"}) == []
    assert Pairer(PairingStrategy.all).run(claims, sources={"source.txt"}) == []


@pytest.mark.parametrize("tied", [False, True])
def test_top_k_similar_matches_a_full_sort_and_breaks_ties_by_index(tied: bool) -> None:
    rng = np.random.default_rng(1)
    emb = rng.normal(size=(4 if tied else 300, 8)).astype(np.float32)
    if tied:  # a repeated paragraph: many rows with the same embedding
        emb = np.repeat(emb, 75, axis=0)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    sims = emb @ emb.T
    np.fill_diagonal(sims, -np.inf)
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :5]  # stable: the lower index first among ties
    for cells in (1 << 22, 1000):  # one block, and blocks of three rows
        got = top_k_similar(emb, emb, 5, same=True, cells=cells)
        if tied:
            np.testing.assert_array_equal(got, expected)
        else:  # float rounding may swap near-equal neighbours: compare the similarities
            np.testing.assert_allclose(np.take_along_axis(sims, got, 1), np.take_along_axis(sims, expected, 1))


def test_top_k_similar_against_other_keys_and_small_inputs() -> None:
    queries = np.eye(3, dtype=np.float32)
    keys = np.array([[0, 1, 0], [1, 0, 0], [0.9, 0.1, 0]], dtype=np.float32)
    np.testing.assert_array_equal(top_k_similar(queries, keys, 2), [[1, 2], [0, 2], [0, 1]])
    assert top_k_similar(queries, keys, 9).shape == (3, 3)  # k above the keys: every key
    assert top_k_similar(queries[:1], queries[:1], 3, same=True).shape == (1, 0)  # no other claim
