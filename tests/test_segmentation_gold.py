from __future__ import annotations

import json
from pathlib import Path

import pytest

from contradict.errors import DataError
from contradict.evaluation.segmentation import (
    GoldStory,
    evaluate_segmenter,
    load_gold,
    same_speaker,
    score_story,
)
from contradict.pipeline.segment import Segmentation, Segmenter
from contradict.types import Claim, Skipped

GOLD = Path(__file__).parent / "fixtures" / "gold" / "segmentation.json"


def test_gold_file_loads_and_every_text_is_in_its_story() -> None:
    stories = load_gold(GOLD)
    assert len(stories) >= 3
    assert stories[0].document == "russia-syria-airstrikes.txt"


def test_a_perfect_segmentation_scores_one_and_mistakes_count() -> None:
    text = "Carter said the raids hit no militants. AP"
    story = GoldStory("d", text, (("the raids hit no militants", "Carter"),), (("AP", "too_short"),))
    perfect = Segmentation(
        (Claim(0, "the raids hit no militants.", 12, 39, "d", "Ash Carter"),),
        (Skipped("AP", 40, 42, "d", "too_short"),),
    )
    s = score_story(story, perfect)
    assert (s.precision, s.recall, s.speaker_accuracy, s.skip_recall, s.reasons_right) == (1.0, 1.0, 1.0, 1.0, 1)
    wrong = Segmentation((Claim(0, "Carter said the raids hit no militants.", 0, 39, "d", None),), ())
    s = score_story(story, wrong)
    assert (s.precision, s.recall, s.skip_recall) == (0.0, 0.0, 0.0)


def test_speakers_compare_by_last_word() -> None:
    assert same_speaker("Carter", "Defense Secretary Ash Carter")
    assert not same_speaker("Carter", "the Pentagon chief")
    assert same_speaker(None, None) and not same_speaker(None, "Carter")


def test_a_gold_text_missing_from_its_story_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("The raids hit no militants.", encoding="utf-8")
    bad = {"stories": [{"document": "s.txt", "claims": [{"text": "not in there", "speaker": None}], "skipped": []}]}
    (tmp_path / "g.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DataError, match="not in the document"):
        load_gold(tmp_path / "g.json")


# Per development story: claim precision, recall and speaker accuracy as measured when it joined development
# (README); the rules may not fall below them. The held-out story is reported, not asserted.
DEVELOPMENT_FLOORS = {
    "russia-syria-airstrikes.txt": (1.0, 1.0, 0.975),
    "false-frames.txt": (1.0, 1.0, 1.0),
    "rivers-clinic.txt": (1.0, 1.0, 1.0),
    "ferguson-bean-bag.txt": (0.88, 0.83, 1.0),
    "tridevil-hoax.txt": (0.75, 0.75, 1.0),
    "luohe-aunt.txt": (1.0, 1.0, 1.0),
    "foley-remains.txt": (0.66, 0.85, 0.75),
    "shangqiu-scissors.txt": (1.0, 1.0, 0.93),
    "mittens-cat.txt": (1.0, 1.0, 1.0),
    "foley-sale.txt": (0.93, 0.93, 0.92),
    "jihadi-john-wounded.txt": (1.0, 1.0, 1.0),
    "tridevil-surgery.txt": (1.0, 1.0, 1.0),
    "sotloff-video.txt": (1.0, 1.0, 1.0),
    "afghan-soldiers.txt": (0.91, 0.91, 1.0),
    "ibm-layoffs.txt": (0.94, 0.94, 1.0),
    "tesla-nevada.txt": (1.0, 1.0, 0.93),
    "scorpion-flight.txt": (1.0, 1.0, 1.0),
}


def test_rules_hold_on_the_stories_they_were_written_for() -> None:
    """Regression guard on the development stories."""
    stories = load_gold(GOLD)
    assert any(s.held_out for s in stories)
    assert {s.document for s in stories if not s.held_out} == set(DEVELOPMENT_FLOORS)
    scores = evaluate_segmenter(stories, Segmenter())
    for document, floors in DEVELOPMENT_FLOORS.items():
        s = scores[document]
        got = (s.precision, s.recall, s.speaker_accuracy)
        assert all(g >= f for g, f in zip(got, floors, strict=True)), (document, got, floors)
