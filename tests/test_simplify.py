from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from rich.console import Console

from contradict.api import detect
from contradict.pipeline.aggregate import combine_views
from contradict.pipeline.simplify import Simplifier, core_text
from contradict.render import render_html, render_markdown, render_text
from contradict.types import Claim, ClaimViews

from .conftest import FakeEmbedder


@pytest.mark.parametrize(
    ("text", "core"),
    [
        (
            "there were no Islamic State combatants anywhere close to where Russian bombs hit villages and "
            "countryside outside Homs, an industrial hub in western Syria and the country’s third-largest city.",
            "there were no Islamic State combatants anywhere close to where Russian bombs hit villages and "
            "countryside outside Homs.",
        ),
        (
            "the raids had hit Islamic State command posts and fuel depots in what it described as “surgical strikes.",
            "the raids had hit Islamic State command posts and fuel depots.",
        ),
        (
            "They have indicated for quite some time they were going to begin air operations (in Syria)",
            "They have indicated for quite some time they were going to begin air operations",
        ),
        (
            "The council approved the budget on Monday, which surprised the mayor.",
            "The council approved the budget on Monday.",
        ),
        (
            "Police arrested two men near the stadium, saying they carried knives.",
            "Police arrested two men near the stadium.",
        ),
    ],
)
def test_core_cuts_trailing_non_restrictive_detail(text: str, core: str) -> None:
    assert core_text(text) == core


@pytest.mark.parametrize(
    "text",
    [
        "The council approved the budget on Monday.",  # nothing to cut
        # a fronted clause: the comma after "Iran" ends it, what follows is the main clause
        "While Moscow's allies flew planes from Vietnam to Iran, the direct entry of its air force is new.",
        # an appositive in mid-sentence is not trailing
        "Homs, an industrial hub, was hit twice.",
        # a parenthesis before the main verb, not a trailing clause
        "When the townsfolk realize that his father is alive, everyone, including Pegeen, turns against him.",
        "Paris, the capital.",  # the core would be too short to assert anything
    ],
)
def test_core_leaves_main_clauses_alone(text: str) -> None:
    assert core_text(text) is None


def test_simplifier_sets_core_and_keeps_everything_else() -> None:
    claims = (
        Claim(0, "Two ships left the port of Oslo, the capital of Norway.", 0, 55, "d", speaker="Ann"),
        Claim(1, "No.", 40, 43, "d"),
    )
    out = Simplifier().run(claims)
    assert (
        out[0].core == "Two ships left the port of Oslo." and out[0].text == claims[0].text and out[0].speaker == "Ann"
    )
    assert out[1].core is None
    assert out[0].to_dict()["core"] == "Two ships left the port of Oslo."


def test_combine_views_takes_the_higher_contradiction_per_row() -> None:
    full = np.array([[0.1, 0.8, 0.1], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]], dtype=np.float32)
    core = np.array([[0.0, 0.1, 0.9], [0.5, 0.4, 0.1]], dtype=np.float32)  # for rows 0 and 1
    out, taken = combine_views(full, core, np.array([0, 1]))
    np.testing.assert_allclose(out, [[0.0, 0.1, 0.9], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
    assert taken.tolist() == [True, False, False]
    same, none = combine_views(full, np.zeros((0, 3), dtype=np.float32), np.zeros(0, dtype=np.int64))
    np.testing.assert_array_equal(same, full)
    assert not none.any()


class TailSensitiveScorer:
    """Reads a negation on one side as a contradiction, unless an appositive tail ("a hub") dilutes it."""

    model_name = "tail-sensitive"

    def __init__(self) -> None:
        from contradict.pipeline.nli import Backend, Precision

        self.settings = {"threshold": 0.5}
        self.backend, self.precision = Backend.torch, Precision.fp32
        self.seen: list[tuple[str, str]] = []

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size=None, progress=None) -> np.ndarray:
        self.seen += list(pairs)
        out = np.tile(np.array([0.2, 0.7, 0.1], dtype=np.float32), (len(pairs), 1))
        for i, (p, h) in enumerate(pairs):
            if (" no " in f" {p} ") != (" no " in f" {h} ") and "hub" not in p + h:
                out[i] = (0.05, 0.05, 0.9)
        return out


TEXT = (
    "The jets struck rebel fighters near Homs.\n\n"
    "Witnesses said there were no rebel fighters near Homs, an industrial hub in western Syria."
)


def test_views_core_scores_the_cores_too_and_says_so() -> None:
    full = detect(TEXT, scorer=TailSensitiveScorer(), embedder=FakeEmbedder(), relatedness_full=0.0)
    assert full.contradictions == ()
    scorer = TailSensitiveScorer()
    report = detect(TEXT, scorer=scorer, embedder=FakeEmbedder(), relatedness_full=0.0, views=ClaimViews.core)
    assert [c.core for c in report.claims] == [None, "there were no rebel fighters near Homs."]
    assert ("The jets struck rebel fighters near Homs.", "there were no rebel fighters near Homs.") in scorer.seen
    (found,) = report.contradictions
    assert found.view == "core" and found.p_contradiction == pytest.approx(0.9)
    assert found.to_dict()["view"] == "core"
    console = Console(record=True, width=200)
    render_text(report, console)
    assert (
        "scored on the cores: The jets struck rebel fighters near Homs. / there were no rebel" in console.export_text()
    )
    assert "scored on the cores: The jets struck" in render_markdown(report)
    assert "scored on the cores: The jets struck" in render_html(report, {"text": TEXT})
    assert report.scores is not None and report.scores.from_core is not None
    assert report.scores.from_core.any()


def test_views_core_without_cores_is_the_full_view() -> None:
    text = "The jets struck rebel fighters.\n\nWitnesses said there were no rebel fighters."
    a = detect(text, scorer=TailSensitiveScorer(), embedder=FakeEmbedder(), views=ClaimViews.core)
    b = detect(text, scorer=TailSensitiveScorer(), embedder=FakeEmbedder())
    assert a.scores is not None and a.scores.from_core is None
    assert [c.to_dict() for c in a.contradictions] == [c.to_dict() for c in b.contradictions]
