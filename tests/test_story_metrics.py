"""Story-level figures on hand-built outcomes, and matching reported pairs to annotated ones."""

from __future__ import annotations

import pytest

from contradict.evaluation.story_metrics import StoryOutcome, match_index, overlaps, story_figures


def test_overlap_is_strict_at_the_edges() -> None:
    assert overlaps((0, 5), (4, 9)) and not overlaps((0, 5), (5, 9))


def test_a_pair_matches_in_either_order() -> None:
    annotated = [((0, 10), (20, 30)), ((40, 50), (60, 70))]
    assert match_index((62, 65), (41, 44), annotated) == 1
    assert match_index((0, 3), (25, 28), annotated) == 0
    assert match_index((0, 3), (45, 48), annotated) == -1  # one side of each pair is no pair


def _o(sid: str, contradictory: bool, score: float, found: tuple[int, ...], annotated: int = 1) -> StoryOutcome:
    return StoryOutcome(sid, contradictory, score, tuple(i >= 0 for i in found), found, annotated)


def test_story_figures_by_hand() -> None:
    outcomes = [
        _o("c1", True, 0.9, (0, -1, -1)),  # flagged, annotated pair first
        _o("c2", True, 0.6, (-1, -1, 0), annotated=2),  # below threshold, annotated pair third
        _o("n1", False, 0.2, (-1,), annotated=0),
        _o("n2", False, 0.8, (-1,), annotated=0),  # a clean story flagged
    ]
    f = story_figures(outcomes, threshold=0.7)
    assert f["roc_auc"] == pytest.approx(0.75)  # c1 beats both clean, c2 beats n1 only
    assert f["hit@1"] == pytest.approx(0.5) and f["hit@3"] == pytest.approx(1.0)
    assert f["pair_recall@3"] == pytest.approx(2 / 3)
    assert f["clean_silent"] == pytest.approx(0.5)
    assert f["flagged_with_annotated_first"] == pytest.approx(0.5)
    assert f["recall_at_threshold"] == pytest.approx(0.5) and f["precision_at_threshold"] == pytest.approx(0.5)


def test_one_class_gives_no_auc() -> None:
    f = story_figures([_o("n1", False, 0.1, (-1,), 0), _o("n2", False, 0.9, (-1,), 0)], threshold=0.5)
    assert "roc_auc" not in f and "hit@1" not in f and f["clean_silent"] == pytest.approx(0.5)
