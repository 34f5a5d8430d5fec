from __future__ import annotations

import pytest

from contradict.pipeline.segment import Segmenter, non_claim_reason, split_clauses, split_sentences
from contradict.types import Document, Role

from .conftest import EXAMPLE


def test_abbreviations_do_not_split_sentences() -> None:
    text = "Maj. Gen. Igor Koneshenkov said the raids hit U.S. targets. He said about 20 sorties were flown."
    assert [s for _, _, s in split_sentences(text)] == [
        "Maj. Gen. Igor Koneshenkov said the raids hit U.S. targets.",
        "He said about 20 sorties were flown.",
    ]


def test_a_boundary_nupunkt_keeps_after_a_lower_case_word_is_split() -> None:
    text = "The storm was bad, the Echo reports. Late last year, a couple moved. Dr. Smith agreed."
    assert [s for _, _, s in split_sentences(text)] == [
        "The storm was bad, the Echo reports.",
        "Late last year, a couple moved.",
        "Dr. Smith agreed.",
    ]
    quoted = '"It was bad, the Echo reports. Late trains ran," he said.'  # not inside a running quotation
    assert [s for _, _, s in split_sentences(quoted)] == [quoted]


def test_a_boundary_nupunkt_keeps_after_a_capitalised_word_is_split_unless_an_abbreviation() -> None:
    text = "The men trained at Joint Base Cape Cod. Base security personnel reported them missing."
    assert [s for _, _, s in split_sentences(text)] == [
        "The men trained at Joint Base Cape Cod.",
        "Base security personnel reported them missing.",
    ]
    kept = "The order came from Maj. Gen. Smith and the others on Monday."
    assert [s for _, _, s in split_sentences(kept)] == [kept]


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
        ("(Reporting by Jane Roe; editing by John Doe)", "byline"),
        ("The Associated Press contributed to this report.", "byline"),
        ("Did the strikes hit Islamic State targets?", "question"),
        ("“Is this real?” asked the engineer on the bridge?", "question"),
        ('She said her first reaction was, "Is this real?"', None),  # a statement that quotes a question
        ("The mayor asked, “Who paid for it?”", "question"),  # a question asked, not a statement
        ("The mayor asked the council, “Who paid for it?”", "question"),
        ("---", "no_words"),
        ("The raids hit Islamic State command posts.", None),
        ("El gobierno no ha confirmado la cifra de muertos en Siria.", "not_english"),
        ("Die Regierung hat die Zahl der Toten nicht bestätigt.", "not_english"),
        ("俄罗斯国防部表示，其战机对八个目标进行了精确打击。", "not_english"),
        ("Министерство обороны России заявило об ударах по целям.", "not_english"),
        ("Argentina's President Cristina Fernández de Kirchner took on a godson.", None),
        ("Die Hard 4 opens in cinemas across Europe on Friday.", None),
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
    sentences = split_sentences(text)
    whole = Segmenter(clauses=False).run([Document("story.txt", text)])
    assert len(whole.claims) + len(whole.skipped) == len(sentences)
    result = Segmenter().run([Document("story.txt", text)])
    skipped = {(s.start, s.end) for s in result.skipped}
    for start, end, _ in sentences:  # every sentence is skipped with a reason or holds claims
        assert (start, end) in skipped or any(start <= c.start < c.end <= end for c in result.claims)
    assert [c.id for c in result.claims] == list(range(len(result.claims)))
    assert {s.reason for s in result.skipped} >= {"contact_line", "related_links", "too_short"}
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.document == "story.txt"


def test_claim_ids_run_across_documents() -> None:
    docs = [Document("a", "The sky is blue today. It rains a lot."), Document("b", "The sky is not blue today.")]
    claims = Segmenter().run(docs).claims
    assert [(c.id, c.document) for c in claims] == [(0, "a"), (1, "a"), (2, "b")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "\x00\x01",
        "no punctuation at all " * 50,
        # reports inside reports, far deeper than attribution follows them
        "Officials said the men said the police said " * 1500 + "the bridge was closed.",
        "The bridge was closed, CNN reported" * 1500 + ".",
    ],
)
def test_odd_text_does_not_crash(text: str) -> None:
    result = Segmenter().run([Document("x", text)])
    for item in (*result.claims, *result.skipped):
        assert text[item.start : item.end] == item.text


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "They’re exceptionally clear about what they’re saying, and their actions now seem to reflect it.",
            ["They’re exceptionally clear about what they’re saying", "their actions now seem to reflect it."],
        ),
        (
            "She was rushed to a nearby hospital, but doctors were unable to save her left eye.",
            ["She was rushed to a nearby hospital", "doctors were unable to save her left eye."],
        ),
        (
            "Russia states an intent to fight ISIL on the one hand, and to support the Bashar Assad regime.",
            ["Russia states an intent to fight ISIL on the one hand, and to support the Bashar Assad regime."],
        ),
        ("The talks begin soon, and we agree.", ["The talks begin soon, and we agree."]),  # a side too short
        (
            "The group would deliver the body to the border, and would provide a DNA sample.",
            ["The group would deliver the body to the border, and would provide a DNA sample."],  # no subject
        ),
        (
            "The plan is codenamed Project Chrome, and most of the staff being laid off are in the US.",
            ["The plan is codenamed Project Chrome", "most of the staff being laid off are in the US."],
        ),
        (
            "The rebels seized the bridge near the town, and said that they would hold it for a week.",
            # "said that they would": the auxiliary is the reported clause's, the conjunct has no subject
            ["The rebels seized the bridge near the town, and said that they would hold it for a week."],
        ),
        (
            "He said “the raids worked, and the pilots are safe” today.",
            ["He said “the raids worked, and the pilots are safe” today."],  # the break is inside a quote
        ),
    ],
)
def test_split_clauses(text: str, clauses: list[str]) -> None:
    assert [text[s:e] for s, e in split_clauses(text)] == clauses


def test_clauses_keep_the_speaker_and_exact_spans() -> None:
    text = "“They’re exceptionally clear about what they say, and their actions now seem to reflect it,” Carter said."
    claims = Segmenter().run([Document("d", text)]).claims
    assert [(c.text, c.speaker) for c in claims] == [
        ("They’re exceptionally clear about what they say", "Carter"),
        ("their actions now seem to reflect it", "Carter"),
    ]
    assert all(text[c.start : c.end] == c.text for c in claims)


def test_a_repeated_sentence_is_skipped_as_duplicate() -> None:
    text = "Carter said the strikes hit no militants.\nCarter said the strikes hit no militants. AP\n"
    result = Segmenter().run([Document("d", text)])
    assert len(result.claims) == 1
    assert [s.reason for s in result.skipped] == ["duplicate", "too_short"]


def test_claims_know_whether_they_come_from_a_draft_or_a_source() -> None:
    docs = [
        Document("draft.txt", "The bridge opened in May last year."),
        Document("source.txt", "The bridge opened in June last year. Officials said it cost more."),
    ]
    checked = Segmenter().run(docs, sources={"source.txt"}).claims
    assert [(c.document, c.role) for c in checked] == [
        ("draft.txt", Role.draft),
        ("source.txt", Role.source),
        ("source.txt", Role.source),
    ]
    assert {c.role for c in Segmenter().run(docs).claims} == {None}  # no sources: no roles
