"""The hand-annotated news contradiction benchmark parses, and its loader rejects malformed files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contradict.errors import DataError
from contradict.evaluation import news_benchmark as nb


@pytest.fixture(scope="module")
def stories() -> list[nb.Story]:
    return nb.load_stories()


def test_default_path_is_in_the_repository() -> None:
    assert nb.DEFAULT_PATH.is_file()
    assert nb.DEFAULT_PATH.parts[-4:] == ("eval", "data", "news_contradictions", "stories.jsonl")


def test_counts(stories: list[nb.Story]) -> None:
    fnc1 = [s for s in stories if s.id.startswith("fnc1-train-")]
    assert len(fnc1) >= 60
    assert all(s.body_id is not None and s.id == f"fnc1-train-{s.body_id}" for s in fnc1)
    examples = [s for s in stories if s.stratum == "example"]
    assert [s.id for s in examples] == ["example-russia-syria"]
    assert examples[0].split == "dev" and examples[0].body_id is None and examples[0].label == "contradictory"
    assert len({s.id for s in stories}) == len(stories)
    for split in nb.SPLITS:
        for stratum in ("disagree_or_discuss", "random"):
            assert sum(s.split == split and s.stratum == stratum for s in stories) == len(fnc1) // 4


def test_every_claim_is_in_its_story(stories: list[nb.Story]) -> None:
    n_pairs = 0
    for story in stories:
        for pair in story.pairs:
            n_pairs += 1
            assert story.text[slice(*pair.a_span)] == pair.a
            assert story.text[slice(*pair.b_span)] == pair.b
            assert pair.a != pair.b
    assert n_pairs > 0


def test_both_splits_hold_both_labels(stories: list[nb.Story]) -> None:
    for split in nb.SPLITS:
        part = nb.load_stories(split=split)
        assert part == [s for s in stories if s.split == split]
        assert {s.label for s in part} == set(nb.LABELS)


def test_allowed_values_only(stories: list[nb.Story]) -> None:
    for story in stories:
        assert story.split in nb.SPLITS
        assert story.stratum in nb.STRATA
        assert story.label in nb.LABELS
        assert (story.label == "contradictory") == bool(story.pairs)
        for pair in story.pairs:
            assert pair.kind in nb.KINDS
            assert pair.type in nb.TYPES
            assert pair.note.strip()


def test_raw_file_fields() -> None:
    rows = [json.loads(line) for line in nb.DEFAULT_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        assert set(row) == {"id", "body_id", "split", "stratum", "text", "label", "pairs", "annotated"}
        assert row["annotated"] == "2026-12-04"


def _story(**overrides: object) -> dict:
    row: dict = {
        "id": "bad-1",
        "body_id": None,
        "split": "dev",
        "stratum": "random",
        "text": "The mayor said the bridge is open. Residents said the bridge is closed.",
        "label": "contradictory",
        "pairs": [
            {
                "a": "the bridge is open",
                "b": "the bridge is closed",
                "kind": "between_sources",
                "type": "antonym",
                "note": "open vs closed",
            }
        ],
        "annotated": "2026-12-04",
    }
    row.update(overrides)
    return row


def _write(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "stories.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_hand_made_good_file_loads(tmp_path: Path) -> None:
    (story,) = nb.load_stories(_write(tmp_path, _story()))
    assert story.pairs[0].a_span == (15, 33)
    assert story.text[slice(*story.pairs[0].b_span)] == "the bridge is closed"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pairs": [{**_story()["pairs"][0], "b": "the bridge has collapsed"}]}, "the bridge has collapsed"),
        ({"pairs": [{**_story()["pairs"][0], "kind": "internal"}]}, "kind"),
        ({"pairs": [{**_story()["pairs"][0], "type": "sarcasm"}]}, "type"),
        ({"label": "maybe"}, "label"),
        ({"split": "train"}, "split"),
        ({"stratum": "agree"}, "stratum"),
        ({"label": "none"}, "does not agree"),
    ],
)
def test_loader_rejects_bad_file(tmp_path: Path, overrides: dict, message: str) -> None:
    with pytest.raises(DataError, match="bad-1") as info:
        nb.load_stories(_write(tmp_path, _story(**overrides)))
    assert message in str(info.value)


def test_loader_rejects_duplicates_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="duplicate"):
        nb.load_stories(_write(tmp_path, _story(), _story()))
    with pytest.raises(DataError, match="no stories"):
        nb.load_stories(_write(tmp_path))
    with pytest.raises(DataError, match="split"):
        nb.load_stories(split="validation")
