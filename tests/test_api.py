from __future__ import annotations

import json

import pytest

import contradict
from contradict.errors import ConfigError
from contradict.types import Document

from .conftest import FakeEmbedder, FakeScorer

STORY = "The sky is blue over the city today. The sky is not blue over the city today. Cats sat on the warm mat."


def _detect(texts, **kw):
    kw.setdefault("scorer", FakeScorer())
    kw.setdefault("embedder", FakeEmbedder())
    return contradict.detect(texts, **kw)


@pytest.mark.parametrize("text", ["", "   \n", []])
def test_empty_input_gives_an_empty_report(text) -> None:
    scorer = FakeScorer()
    report = _detect(text, scorer=scorer)
    assert report.claims == () and report.contradictions == ()
    assert scorer.calls == []  # the model is never asked about nothing


def test_detect_finds_the_negated_pair_and_scores_both_directions() -> None:
    scorer = FakeScorer()
    report = _detect(STORY, scorer=scorer, threshold=0.5)
    assert len(report.claims) == 3
    assert len(scorer.calls) == 1 and len(scorer.calls[0]) == 6  # 3 pairs x 2 directions
    top = report.contradictions[0]
    assert {top.claim_a.text, top.claim_b.text} == {
        "The sky is blue over the city today.",
        "The sky is not blue over the city today.",
    }
    assert top.score == pytest.approx(top.p_contradiction * min(1.0, top.relatedness / 0.5), rel=1e-5)


def test_kind_says_whether_sources_disagree_or_one_voice_contradicts_itself() -> None:
    sources = "Police said the road was open all day. Witnesses said the road was not open all day."
    (c,) = _detect(sources, threshold=0.5).contradictions
    assert (c.claim_a.speaker, c.claim_b.speaker) == ("Police", "Witnesses")
    assert c.kind == "between_sources" and c.to_dict()["kind"] == "between_sources"
    (c,) = _detect(STORY, threshold=0.5, top=1).contradictions
    assert c.kind == "self"


def test_threshold_defaults_to_the_models_setting() -> None:
    report = _detect(STORY, scorer=FakeScorer({"threshold": 0.77}))
    assert report.threshold == 0.77


def test_pairs_cross_documents_and_claims_name_their_document() -> None:
    docs = [
        Document("a.txt", "The sky is blue over the city today."),
        Document("b.txt", "The sky is not blue over the city today."),
    ]
    report = _detect(docs, threshold=0.5)
    (c,) = report.contradictions
    assert (c.claim_a.document, c.claim_b.document) == ("a.txt", "b.txt")


def test_report_to_dict_is_json_with_the_documented_keys() -> None:
    d = json.loads(json.dumps(_detect(STORY, threshold=0.5).to_dict()))
    assert {"model", "threshold", "claims", "contradictions", "skipped"} <= d.keys()
    assert {"id", "text", "start", "end", "document"} <= d["claims"][0].keys()
    c = d["contradictions"][0]
    assert {"score", "p_contradiction", "relatedness", "claim_a", "claim_b"} <= c.keys()
    assert isinstance(c["claim_a"]["id"], int)
    assert STORY[c["claim_a"]["start"] : c["claim_a"]["end"]] == c["claim_a"]["text"]


def test_bad_threshold_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="threshold"):
        _detect(STORY, threshold=1.5)


def test_same_input_gives_identical_json() -> None:
    a = json.dumps(_detect(STORY, threshold=0.1).to_dict())
    b = json.dumps(_detect(STORY, threshold=0.1).to_dict())
    assert a == b
