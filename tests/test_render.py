from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import contradict
from contradict.cli import app
from contradict.pipeline.pairing import DEFAULT_SOURCE_K
from contradict.render import render_html, render_json, render_markdown

from .conftest import FakeEmbedder, FakeScorer

runner = CliRunner()
EVIL = "The <script>alert('x')</script> sky is blue over the city today.\nThe sky is not blue over the city today.\n"


def _report(text: str = EVIL, threshold: float = 0.3, **kw):
    return contradict.detect(
        contradict.Document("draft.txt", text), scorer=FakeScorer(), embedder=FakeEmbedder(), threshold=threshold, **kw
    )


class _Marks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, str] = {}
        self.links: list[str] = []
        self.scripts = 0
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "mark":
            self._in = a["id"]
            self.marks[self._in] = ""
        if tag == "a":
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.marks[self._in] += data


def test_html_escapes_text_highlights_spans_and_links_them() -> None:
    report = _report()
    page = render_html(report, {"draft.txt": EVIL})
    parser = _Marks()
    parser.feed(page)
    assert parser.scripts == 0  # the draft's <script> is text, not a tag
    assert "&lt;script&gt;" in page
    c = report.contradictions[0]
    for claim in (c.claim_a, c.claim_b):
        assert parser.marks[f"claim-{claim.id}"] == EVIL[claim.start : claim.end]
        assert f"#claim-{claim.id}" in parser.links


def test_markdown_lists_pairs_and_escapes_markup() -> None:
    md = render_markdown(_report())
    assert md.startswith("# Contradiction report")
    assert "## 1. score" in md
    assert "\\<script\\>" in md and "<script>" not in md


def test_cli_formats_out_file_and_fail_on(tmp_path: Path, fake_pipeline) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(EVIL, encoding="utf-8")
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["check", str(draft), "--format", "html", "--out", str(out)])
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["check", str(draft), "--format", "markdown"])
    assert result.stdout.startswith("# Contradiction report")
    # the fake scorer gives this pair a score below 0.95: reported, but --fail-on 0.95 lets it pass
    assert runner.invoke(app, ["check", str(draft), "--fail-on", "0.95"]).exit_code == 0
    assert runner.invoke(app, ["check", str(draft), "--fail-on", "0.1"]).exit_code == 1
    # --top 0 shows nothing, but a pair reached the threshold: still a finding
    hidden = runner.invoke(app, ["check", str(draft), "--top", "0", "--format", "json"])
    assert hidden.exit_code == 1 and json.loads(hidden.stdout)["contradictions"] == []


def test_jsonl_checks_each_path_on_its_own(tmp_path: Path, fake_pipeline) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(EVIL, encoding="utf-8")
    b.write_text("The cat sat on the mat today.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(a), str(b), "--format", "jsonl"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["documents"] for line in lines] == [[str(a)], [str(b)]]
    assert lines[0]["contradictions"] and not lines[1]["contradictions"]


def test_against_scores_only_draft_source_pairs(tmp_path: Path, fake_pipeline) -> None:
    draft, source = tmp_path / "draft.txt", tmp_path / "source.txt"
    draft.write_text(EVIL, encoding="utf-8")
    source.write_text("The sky is not blue over the city this morning.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--against", str(source), "--format", "json"])
    data = json.loads(result.stdout)
    assert data["pairs_scored"] == 2  # two draft claims x one source claim, no draft-draft pair
    for c in data["contradictions"]:
        assert {c["claim_a"]["document"], c["claim_b"]["document"]} == {str(draft), str(source)}
    result = runner.invoke(app, ["check", str(draft), "-a", str(source), "--also-internal", "--format", "json"])
    assert json.loads(result.stdout)["pairs_scored"] == 3


def test_eval_refuses_report_only_formats(fake_pipeline) -> None:
    result = runner.invoke(app, ["eval", "snli_dev", "--format", "html"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.replace("│", " ").split())  # the error box, unwrapped
    assert "'html' is not one of 'text', 'json'" in message


def test_text_output_keeps_every_figure_on_a_narrow_terminal() -> None:
    from rich.console import Console

    from contradict.render import render_text

    report = _report()
    console = Console(record=True, width=60)
    render_text(report, console)
    out = console.export_text()
    c = report.contradictions[0]
    assert f"score {c.score:.2f}" in out
    assert f"P(contradiction) {c.p_contradiction:.2f} · relatedness {c.relatedness:.2f}" in out


def test_text_output_says_what_the_best_pair_scored_when_nothing_is_reported() -> None:
    from rich.console import Console

    from contradict.render import render_text

    high = _report(threshold=0.999)
    assert high.contradictions == () and high.highest_score is not None
    console = Console(record=True, width=100)
    render_text(high, console)
    m = re.search(
        r"best pair scored ([0-9.]+), below the threshold; --threshold ([0-9.]+) would report it", console.export_text()
    )
    assert m is not None and float(m.group(1)) == pytest.approx(high.highest_score, abs=0.005)
    assert high.to_dict()["highest_score"] == high.highest_score
    lowered = _report(threshold=float(m.group(2)))
    assert lowered.contradictions and lowered.contradictions[0].score == pytest.approx(high.highest_score)
    capped = Console(record=True, width=100)
    render_text(_report(top=0), capped)  # nothing shown because of --top 0, not because of the threshold
    assert "below the threshold" not in capped.export_text()
    assert f"`--threshold {m.group(2)}` would report it" in render_markdown(high)
    assert f"<code>--threshold {m.group(2)}</code> would report it" in render_html(high, {"draft.txt": EVIL})
    assert "below the threshold" not in render_markdown(lowered) + render_html(lowered, {"draft.txt": EVIL})


def _kinds_report() -> contradict.Report:
    """One pair of each kind, built by hand: within a document (one voice, two speakers), across two
    documents, and a draft against its source."""
    from contradict.types import Claim, Contradiction, Role

    draft = [Claim(0, "The bridge opened in May.", 0, 25, "draft.txt", role=Role.draft)]
    source = [
        Claim(1, "The bridge opened in June.", 0, 26, "source.txt", role=Role.source),
        Claim(2, "The bridge did not open.", 27, 51, "source.txt", speaker="Engineers", role=Role.source),
    ]
    plain = [Claim(3, "The road is open.", 0, 17, "a.txt"), Claim(4, "The road is not open.", 18, 39, "a.txt")]
    other = [Claim(5, "The road is closed.", 0, 19, "b.txt")]
    pairs = [(draft[0], source[0]), (source[0], source[1]), (plain[0], plain[1]), (plain[0], other[0])]
    found = tuple(Contradiction(a, b, 0.9, 0.9, 1.0, "a->b", {"contradiction": 0.9}) for a, b in pairs)
    return contradict.Report(
        "fake-nli",
        0.5,
        tuple(draft + source + plain + other),
        found,
        documents=("draft.txt", "source.txt", "a.txt", "b.txt"),
    )


def test_kinds_tell_drafts_against_sources_documents_and_voices_apart() -> None:
    report = _kinds_report()
    assert [c.kind for c in report.contradictions] == [
        "draft_vs_source",
        "between_sources",
        "self",
        "between_documents",
    ]
    data = json.loads(render_json(report))
    assert [c["kind"] for c in data["contradictions"]] == [c.kind for c in report.contradictions]
    assert [c["role"] for c in data["claims"]] == ["draft", "source", "source", None, None, None]


def test_every_renderer_names_each_kind() -> None:
    from rich.console import Console

    from contradict.render import render_text

    report = _kinds_report()
    console = Console(record=True, width=120)
    render_text(report, console)
    texts = {"draft.txt": "The bridge opened in May.", "a.txt": "The road is open. The road is not open."}
    outputs = {
        "text": console.export_text(),
        "markdown": render_markdown(report),
        "html": render_html(report, texts),
    }
    for name, out in outputs.items():
        for label in ("draft vs source", "between sources", "self-contradiction", "between documents"):
            assert label in out, (name, label)


def test_against_reports_draft_vs_source_and_pairs_every_draft_claim(tmp_path: Path, fake_pipeline) -> None:
    """A draft of 25 near-identical claims against a source of 40: every draft claim meets the source claim
    that negates it (the neighbour search runs over the source claims only; over drafts and sources together,
    the draft claims' nearest neighbours are each other), and each such pair is draft_vs_source."""
    draft, source = tmp_path / "draft.txt", tmp_path / "source.txt"
    places = [f"Town{chr(65 + i)}" for i in range(25)]
    draft.write_text(
        "".join(f"The new school in {p} has opened its doors to pupils.\n" for p in places), encoding="utf-8"
    )
    source.write_text(
        "The new school in the town has not opened its doors to pupils.\n"
        + "".join(f"Rainfall in region {i} was about average for the season.\n" for i in range(39)),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(draft), "--against", str(source), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    roles = {c["id"]: c["role"] for c in data["claims"]}
    drafts = {i for i, r in roles.items() if r == "draft"}
    assert len(drafts) == 25 and len(roles) == 65 and set(roles.values()) == {"draft", "source"}
    assert data["pairs_scored"] <= 25 * DEFAULT_SOURCE_K  # pruned: k source claims per draft claim, not 25 x 40
    found = data["contradictions"]
    assert {c["claim_a"]["id"] for c in found} == drafts  # every draft claim met the negating source claim
    assert {c["kind"] for c in found} == {"draft_vs_source"}
