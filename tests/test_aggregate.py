from __future__ import annotations

import numpy as np
import pytest

from contradict.pipeline.aggregate import aggregate, highest_score, rank, relatedness_weight, verdicts
from contradict.types import Claim, PairScores


def _claims(n: int) -> tuple[Claim, ...]:
    return tuple(Claim(i, f"claim {i}", 10 * i, 10 * i + 7, "d") for i in range(n))


def _scores(pairs, fwd_c, bwd_c, rel) -> PairScores:
    def probs(c):
        c = np.asarray(c, dtype=np.float32)
        return np.stack([(1 - c) / 2, (1 - c) / 2, c], axis=1)

    return PairScores(
        _claims(4), np.array(pairs, dtype=np.int64), probs(fwd_c), probs(bwd_c), np.array(rel, dtype=np.float32)
    )


def test_p_contradiction_is_the_max_of_both_directions() -> None:
    s = _scores([(0, 1), (0, 2)], [0.9, 0.1], [0.2, 0.7], [1.0, 1.0])
    v = verdicts(s)
    np.testing.assert_allclose(v.p_contradiction, [0.9, 0.7])
    assert v.forward_fired.tolist() == [True, False]


def test_relatedness_weighs_the_score() -> None:
    np.testing.assert_allclose(relatedness_weight(np.array([0.0, 0.25, 0.5, 0.9]), 0.5), [0, 0.5, 1, 1])
    np.testing.assert_allclose(relatedness_weight(np.array([0.0, 0.3]), 0.0), [1, 1])
    s = _scores([(0, 1), (2, 3)], [0.9, 0.8], [0.0, 0.0], [0.1, 0.6])
    v = verdicts(s, relatedness_full=0.5)
    np.testing.assert_allclose(v.score, [0.9 * 0.2, 0.8], rtol=1e-6)


def test_highest_score_is_the_best_weighted_pair_reported_or_not() -> None:
    s = _scores([(0, 1), (2, 3)], [0.9, 0.8], [0.95, 0.0], [0.25, 0.6])
    assert highest_score(s, relatedness_full=0.5) == pytest.approx(0.8)  # 0.95 * 0.5 < 0.8 * 1
    assert highest_score(s, relatedness_full=0.0) == pytest.approx(0.95)
    assert aggregate(s, threshold=0.9, relatedness_full=0.5) == ()
    assert highest_score(None) is None
    assert highest_score(_scores(np.zeros((0, 2)), [], [], [])) is None


def test_aggregate_thresholds_ranks_and_caps() -> None:
    s = _scores([(0, 1), (0, 2), (1, 3), (2, 3)], [0.6, 0.95, 0.2, 0.8], [0.1, 0.1, 0.1, 0.1], [1, 1, 1, 1])
    found = aggregate(s, threshold=0.5, relatedness_full=0.5)
    assert [(c.claim_a.id, c.claim_b.id) for c in found] == [(0, 2), (2, 3), (0, 1)]
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert len(aggregate(s, threshold=0.5, top=2)) == 2
    assert aggregate(s, threshold=0.99) == ()
    top = found[0]
    assert top.direction == "a->b"
    assert top.probabilities["contradiction"] == pytest.approx(0.95)


def test_ties_are_broken_by_claim_order() -> None:
    s = _scores([(2, 3), (0, 1), (0, 2)], [0.7, 0.7, 0.7], [0.0, 0.0, 0.0], [1, 1, 1])
    assert rank(s).tolist() == [1, 2, 0]


def test_empty_scores_give_nothing() -> None:
    assert aggregate(PairScores.empty(), threshold=0.1) == ()


def test_matrix_is_directional_and_nan_where_unscored() -> None:
    s = _scores([(0, 1)], [0.9], [0.3], [1.0])
    m = s.matrix()
    assert m[0, 1] == pytest.approx(0.9) and m[1, 0] == pytest.approx(0.3)
    assert np.isnan(m[2, 3])


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="forward"):
        PairScores(_claims(2), np.zeros((1, 2), dtype=np.int64), np.zeros((2, 3)), np.zeros((1, 3)), np.zeros(1))


def test_pair_features_by_hand() -> None:
    from contradict.pipeline.features import FEATURES, pair_features

    claims = (
        Claim(0, "Two firefighters were hurt in Leeds.", 0, 36, "d", speaker="Police"),
        Claim(1, "No firefighters were hurt in Leeds.", 37, 72, "d"),
        Claim(2, "The weather was fine.", 73, 94, "d"),
    )
    c = np.array([[0.1, 0.1, 0.8], [0.2, 0.2, 0.6]], dtype=np.float32)
    e = np.array([[0.7, 0.2, 0.1], [0.3, 0.6, 0.1]], dtype=np.float32)
    s = PairScores(claims, np.array([(0, 1), (0, 2)], dtype=np.int64), c, e, np.array([0.9, 0.1], dtype=np.float32))
    f = dict(zip(FEATURES, pair_features(s).T, strict=True))
    np.testing.assert_allclose(f["p_contradiction_max"], [0.8, 0.6])
    np.testing.assert_allclose(f["p_contradiction_min"], [0.1, 0.1])
    np.testing.assert_allclose(f["p_entailment_max"], [0.7, 0.3])
    np.testing.assert_allclose(f["relatedness"], [0.9, 0.1])
    assert f["different_speakers"].tolist() == [1.0, 1.0]
    assert f["quantity_mismatch"].tolist() == [1.0, 0.0]
    assert f["shared_names"][0] == pytest.approx(1.0) and f["shared_names"][1] == 0.0  # {Leeds} both
    assert f["word_overlap"][0] > 0.5 and f["word_overlap"][1] == 0.0
    assert pair_features(PairScores.empty(claims)).shape == (0, len(FEATURES))


def test_fitted_weights_replace_the_product_and_reorder_the_ranking() -> None:
    from contradict.types import ScoreWeights

    s = _scores([(0, 1), (0, 2)], [0.9, 0.6], [0.1, 0.1], [0.2, 1.0])
    assert rank(s).tolist() == [1, 0]  # product: 0.9 * 0.4 < 0.6 * 1
    only_p = ScoreWeights(("p_contradiction_max",), (10.0,), -5.0)
    assert rank(s, weights=only_p).tolist() == [0, 1]
    v = verdicts(s, weights=only_p)
    np.testing.assert_allclose(v.score, 1 / (1 + np.exp(-(10 * np.array([0.9, 0.6]) - 5))), rtol=1e-6)
    assert highest_score(s, weights=only_p) == pytest.approx(float(v.score.max()))
    found = aggregate(s, threshold=0.9, weights=only_p)
    assert [c.claim_b.id for c in found] == [1]
    with pytest.raises(ValueError, match="available"):
        verdicts(s, weights=ScoreWeights(("no_such_feature",), (1.0,)))
    assert ScoreWeights.from_dict(only_p.to_dict()) == only_p
