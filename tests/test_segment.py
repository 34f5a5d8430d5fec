from __future__ import annotations

import pytest

from contradict.segment import Segmenter, non_claim_reason, split_sentences
from contradict.types import Document

from .conftest import EXAMPLE


def test_abbreviations_do_not_split_sentences() -> None:
    text = "Maj. Gen. Igor Koneshenkov said the raids hit U.S. targets. He said about 20 sorties were flown."
    assert [s for _, _, s in split_sentences(text)] == [
        "Maj. Gen. Igor Koneshenkov said the raids hit U.S. targets.",
        "He said about 20 sorties were flown.",
    ]


def test_spans_index_the_input_exactly() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) > 30
    for start, end, sentence in sentences:
        assert text[start:end] == sentence
        assert sentence == sentence.strip()


def test_headline_without_period_is_not_glued_to_the_next_sentence() -> None:
    text = "Not since World War II have U.S., Russia bombed same country\n\nCarter spoke on Wednesday."
    assert [s for _, _, s in split_sentences(text)] == [
        "Not since World War II have U.S., Russia bombed same country",
        "Carter spoke on Wednesday.",
    ]


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("James Rosen: 202-383-0014; @jamesmartinrose", "contact_line"),
        ("Related stories from McClatchy DC", "related_links"),
        ("AP", "too_short"),
        ("By Ellen Park, Associated Press", "byline"),
        ("Did the strikes hit Islamic State targets?", "question"),
        ("---", "no_words"),
        ("The raids hit Islamic State command posts.", None),
    ],
)
def test_non_claims_have_a_reason(sentence: str, reason: str | None) -> None:
    assert non_claim_reason(sentence) == reason


def test_a_headline_line_is_skipped_as_such() -> None:
    text = "Not since World War II have U.S., Russia bombed same country\n\nCarter spoke to reporters on Wednesday."
    result = Segmenter().run([Document("d", text)])
    assert [s.reason for s in result.skipped] == ["headline"]
    assert [c.text for c in result.claims] == ["Carter spoke to reporters on Wednesday."]


def test_segmenter_keeps_every_sentence_as_claim_or_skipped() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    result = Segmenter().run([Document("story.txt", text)])
    assert len(result.claims) + len(result.skipped) == len(split_sentences(text))
    assert [c.id for c in result.claims] == list(range(len(result.claims)))
    assert {s.reason for s in result.skipped} >= {"contact_line", "related_links", "too_short"}
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.document == "story.txt"


def test_claim_ids_run_across_documents() -> None:
    docs = [Document("a", "The sky is blue today. It rains a lot."), Document("b", "The sky is not blue today.")]
    claims = Segmenter().run(docs).claims
    assert [(c.id, c.document) for c in claims] == [(0, "a"), (1, "a"), (2, "b")]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\x00\x01", "no punctuation at all " * 50])
def test_odd_text_does_not_crash(text: str) -> None:
    result = Segmenter().run([Document("x", text)])
    for item in (*result.claims, *result.skipped):
        assert text[item.start : item.end] == item.text
