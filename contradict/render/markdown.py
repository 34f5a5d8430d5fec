"""Markdown rendering: a report a fact-checker can paste into a ticket or a pull request."""

from __future__ import annotations

from contradict.render.hints import below_threshold_note, kind_label
from contradict.types import Claim, Report


def _escape(text: str) -> str:
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "*_`[]<>#":
        out = out.replace(ch, "\\" + ch)
    return out


def _claim(claim: Claim) -> str:
    who = f"**{_escape(claim.speaker)}:** " if claim.speaker else ""
    return f"{who}{_escape(claim.text)} <sub>({_escape(claim.document)}, chars {claim.start}–{claim.end})</sub>"


def render_markdown(report: Report) -> str:
    pairs = 0 if report.scores is None else len(report.scores.pairs)
    lines = [
        "# Contradiction report",
        "",
        f"- documents: {', '.join(_escape(d) for d in report.documents)}",
        f"- model: `{report.model}`; threshold {report.threshold:.2f}",
        f"- {len(report.claims)} claims, {pairs} pairs scored, **{len(report.contradictions)} contradiction(s)**",
        "",
    ]
    note = below_threshold_note(report, code="`{}`")
    if note is not None:
        lines += [note, ""]
    for rank, c in enumerate(report.contradictions, 1):
        probs = ", ".join(f"{k} {v:.2f}" for k, v in c.probabilities.items())
        lines += [
            f"## {rank}. score {c.score:.2f} — {kind_label(c.kind)}",
            "",
            f"- A: {_claim(c.claim_a)}",
            f"- B: {_claim(c.claim_b)}",
            f"- P(contradiction) {c.p_contradiction:.2f} (direction {c.direction}: {probs}); "
            f"relatedness {c.relatedness:.2f}",
            *[f"- numbers differ: {_escape(note)}" for note in c.mismatches],
            *([f"- scored on the cores: {' / '.join(map(_escape, c.core_texts))}"] if c.core_texts else []),
            "",
        ]
    if report.skipped:
        lines += ["## Not checked", "", "| reason | text |", "|---|---|"]
        lines += [f"| {s.reason} | {_escape(s.text)} |" for s in report.skipped]
        lines.append("")
    return "\n".join(lines)
