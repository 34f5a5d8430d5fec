"""Property-based tests (hypothesis) of everything that slices text or builds reports."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contradict
from contradict.pipeline.markup import html_view, markdown_view
from contradict.pipeline.segment import Segmenter
from contradict.pipeline.simplify import core_text
from contradict.types import Document

from .conftest import FakeEmbedder, FakeScorer

WORDS = st.sampled_from(
    [
        "The",
        "sky",
        "is",
        "not",
        "blue",
        "Carter",
        "said",
        "“",
        "”",
        '"',
        ",",
        ".",
        "?",
        "!",
        "\n",
        "\n\n",
        "Mr.",
        "U.S.",
        "no",
        "eight",
        "targets",
        "according to police",
        "he said",
        "—",
        "é",
        "日本",
        "🙂",
        "\u202e",
        "\x00",
        "\t",
        "  ",
        "#",
        "**",
        "[a](b)",
        "<p>",
        "&amp;",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300), st.lists(WORDS, max_size=80).map(" ".join), st.lists(WORDS, max_size=80).map("".join)
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXTS)
def test_spans_always_index_the_input(text: str) -> None:
    seg = Segmenter().run([Document("d", text)])
    for claim in seg.claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.text.strip() == claim.text and claim.text
    for skipped in seg.skipped:
        assert 0 <= skipped.start < skipped.end <= len(text)


@FAST
@given(TEXTS)
def test_markup_views_keep_length(text: str) -> None:
    assert len(markdown_view(text)) == len(text)
    assert len(html_view(text)) == len(text)


@FAST
@given(TEXTS)
def test_detect_never_raises_and_json_keeps_its_schema(text: str) -> None:
    report = contradict.detect(text, scorer=FakeScorer(), embedder=FakeEmbedder(), threshold=0.0)
    data = json.loads(json.dumps(report.to_dict()))
    assert {"model", "threshold", "claims", "contradictions", "skipped"} <= data.keys()
    ids = {c["id"] for c in data["claims"]}
    for c in data["contradictions"]:
        assert c["claim_a"]["id"] in ids and c["claim_b"]["id"] in ids
        assert 0.0 <= c["score"] <= 1.0
    assert [c["score"] for c in data["contradictions"]] == sorted(
        (c["score"] for c in data["contradictions"]), reverse=True
    )


@FAST
@given(st.lists(TEXTS, min_size=2, max_size=3))
def test_document_order_does_not_change_pair_scores(texts: list[str]) -> None:
    docs = [Document(f"doc{i}", t) for i, t in enumerate(texts)]

    def scores(order: list[Document]) -> dict[tuple[str, str, str, str], float]:
        report = contradict.detect(order, scorer=FakeScorer(), embedder=FakeEmbedder(), threshold=0.0)
        return {
            tuple(sorted([(c.claim_a.document, c.claim_a.text), (c.claim_b.document, c.claim_b.text)])): round(
                c.score, 5
            )
            for c in report.contradictions
        }

    assert scores(docs) == scores(list(reversed(docs)))


CORE_WORDS = [
    "Homs",
    "Syria",
    ",",
    ".",
    "an",
    "a",
    "the",
    "hub",
    "which",
    "saying",
    "(in",
    "x)",
    "in what it",
    "described as",
    "”",
    "While",
    "raids",
    "hit",
]


@given(st.lists(st.sampled_from(CORE_WORDS), max_size=40).map(" ".join))
def test_a_core_is_none_or_a_shorter_text(text: str) -> None:
    core = core_text(text)
    assert core is None or (len(core) < len(text.strip()) and len(core.split()) >= 4)
