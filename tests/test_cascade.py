"""The cascade: selection and merging on hand-built arrays, and detect() with two fake models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from contradict.api import detect
from contradict.errors import ConfigError
from contradict.pipeline.cascade import ACCURATE, FAST, CascadeSettings, merge_judged, select_for_judge
from contradict.types import Claim, PairScores, Scoring
from tests.conftest import FakeEmbedder, FakeScorer


def test_top_k_comes_best_first_with_ties_by_row() -> None:
    score = np.array([0.2, 0.9, 0.5, 0.9, 0.1])
    rows = select_for_judge(score, CascadeSettings(top_k=3, floor=1.0))
    assert rows.tolist() == [1, 3, 2]


def test_floor_adds_every_row_above_it() -> None:
    score = np.array([0.2, 0.9, 0.5, 0.45, 0.1])
    rows = select_for_judge(score, CascadeSettings(top_k=1, floor=0.4))
    assert rows.tolist() == [1, 2, 3]


def test_floor_is_capped_at_the_threshold() -> None:
    """No pair may be reported on the fast model's score alone: above the threshold means judged."""
    score = np.array([0.2, 0.7, 0.5])
    assert select_for_judge(score, CascadeSettings(top_k=0, floor=0.9), threshold=0.45).tolist() == [1, 2]
    assert select_for_judge(score, CascadeSettings(top_k=0, floor=0.9)).tolist() == []


def test_k_larger_than_the_pairs_takes_them_all() -> None:
    score = np.array([0.3, 0.1])
    assert select_for_judge(score, CascadeSettings(top_k=50, floor=1.0)).tolist() == [0, 1]
    assert select_for_judge(np.zeros(0), CascadeSettings(top_k=5)).tolist() == []


@pytest.mark.parametrize("bad", [{"top_k": -1}, {"floor": 1.5}, {"floor": -0.1}])
def test_bad_settings_fail_with_the_value(bad: dict) -> None:
    with pytest.raises(ValueError, match="must be"):
        CascadeSettings(**bad)


def _scores(m: int) -> PairScores:
    claims = tuple(Claim(id=i, text=f"claim {i}", document="d", start=0, end=1) for i in range(m + 1))
    pairs = np.array([(0, i + 1) for i in range(m)], dtype=np.int64)
    probs = np.tile(np.array([[0.1, 0.6, 0.3]], dtype=np.float32), (m, 1))
    return PairScores(claims, pairs, probs, probs.copy(), np.ones(m, dtype=np.float32), models=("fast",))


def test_merge_writes_the_accurate_rows_and_records_who_scored() -> None:
    fast = _scores(4)
    judged = np.array([[0.0, 0.1, 0.9], [0.7, 0.2, 0.1]], dtype=np.float32)
    merged = merge_judged(fast, np.array([2, 0]), judged, judged[::-1].copy(), ("fast", "accurate"))
    assert merged.scored_by.tolist() == [ACCURATE, FAST, ACCURATE, FAST]
    np.testing.assert_array_equal(merged.forward[2], judged[0])
    np.testing.assert_array_equal(merged.forward[0], judged[1])
    np.testing.assert_array_equal(merged.backward[2], judged[1])
    np.testing.assert_array_equal(merged.forward[1], fast.forward[1])
    assert [merged.model_of(k) for k in range(4)] == ["accurate", "fast", "accurate", "fast"]
    np.testing.assert_allclose(fast.forward[2], [0.1, 0.6, 0.3])  # the input is not changed


def test_merge_refuses_misaligned_probabilities() -> None:
    with pytest.raises(ValueError, match="expected"):
        merge_judged(_scores(3), np.array([0, 1]), np.zeros((3, 3)), np.zeros((3, 3)), ("f", "a"))


class LabelledScorer(FakeScorer):
    """The rule-based fake under another name, optionally with every P(contradiction) shifted."""

    def __init__(self, name: str, shift: float = 0.0, settings: dict | None = None) -> None:
        super().__init__(settings)
        self.model_name = name
        self.shift = shift

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size=None, progress=None) -> np.ndarray:
        out = super().predict(pairs, batch_size=batch_size, progress=progress)
        out[:, 2] = np.clip(out[:, 2] + self.shift, 0.0, 1.0)
        return out


STORY = (
    "The bridge is open to traffic. The mayor said the bridge is not open to traffic. "
    "Officials counted the cars on Monday. The river was high in spring."
)


def test_detect_cascade_reports_the_accurate_scores() -> None:
    fast = LabelledScorer("fast-nli")
    accurate = LabelledScorer("accurate-nli", shift=0.05, settings={"threshold": 0.5, "cascade_top": 1})
    report = detect(STORY, scorer=fast, judge_scorer=accurate, embedder=FakeEmbedder(), cascade_floor=1.0)
    assert report.scoring == "cascade" and report.model == "accurate-nli" and report.fast_model == "fast-nli"
    assert report.judged == 1
    assert len(accurate.calls) == 1 and len(accurate.calls[0]) == 2  # one pair, both directions
    top = report.contradictions[0]
    assert top.scored_by == "accurate-nli"
    assert top.p_contradiction == pytest.approx(0.95)
    assert report.to_dict()["contradictions"][0]["scored_by"] == "accurate-nli"
    assert report.to_dict()["pairs_judged"] == 1


def test_detect_fast_and_accurate_alone() -> None:
    fast, accurate = LabelledScorer("fast-nli"), LabelledScorer("accurate-nli", shift=0.05)
    only_fast = detect(STORY, scorer=fast, judge_scorer=accurate, embedder=FakeEmbedder(), scoring=Scoring.fast)
    assert only_fast.model == "fast-nli" and not accurate.calls and only_fast.judged == 0
    only_acc = detect(STORY, scorer=fast, judge_scorer=accurate, embedder=FakeEmbedder(), scoring=Scoring.accurate)
    assert only_acc.model == "accurate-nli" and len(fast.calls) == 1  # the fast call is the earlier run's
    assert {c.scored_by for c in only_acc.contradictions} == {"accurate-nli"}


def test_detect_cascade_on_an_empty_document_is_empty() -> None:
    fast, accurate = LabelledScorer("fast-nli"), LabelledScorer("accurate-nli")
    report = detect("", scorer=fast, judge_scorer=accurate, embedder=FakeEmbedder())
    assert report.contradictions == () and report.judged == 0 and report.highest_score is None
    assert not fast.calls and not accurate.calls


def test_auto_without_an_accurate_model_is_fast_and_cascade_asks_for_one() -> None:
    fast = LabelledScorer("fast-nli")
    assert detect(STORY, scorer=fast, embedder=FakeEmbedder()).scoring == "fast"
    with pytest.raises(ConfigError, match="accurate model"):
        detect(STORY, scorer=fast, embedder=FakeEmbedder(), scoring=Scoring.cascade)
