"""HTML rendering: one self-contained page, each document with the conflicting spans highlighted and
every contradiction linked to both spans. All document text is escaped."""

from __future__ import annotations

from html import escape

from contradict.render.hints import below_threshold_note, kind_label
from contradict.types import Claim, Report

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem}
.doc{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;border-radius:4px;background:#fafafa}
mark.claim{background:#ffd6d6;border-bottom:2px solid #d33;padding:0 1px}
mark.claim:target{outline:3px solid #d33}
.pair{border-left:4px solid #d33;padding:.4rem .8rem;margin:.8rem 0;background:#fff5f5}
.pair .score{font-weight:bold} .speaker{color:#055;font-weight:600} .meta{color:#666;font-size:.9em}
"""


def _anchor(claim: Claim) -> str:
    return f"claim-{claim.id}"


def _document_html(doc_id: str, text: str, claims: list[Claim]) -> str:
    spans = sorted({(c.start, c.end, c.id) for c in claims})
    out: list[str] = []
    pos = 0
    for start, end, cid in spans:
        if start < pos:  # overlapping spans are not expected; never lose text if they occur
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="claim" id="claim-{cid}" data-claim="{cid}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return f'<h2>{escape(doc_id)}</h2>\n<div class="doc">{"".join(out)}</div>'


def _claim_html(label: str, claim: Claim) -> str:
    who = f'<span class="speaker">{escape(claim.speaker)}:</span> ' if claim.speaker else ""
    return f'<div>{label} {who}<a href="#{_anchor(claim)}">{escape(claim.text)}</a></div>'


def render_html(report: Report, texts: dict[str, str]) -> str:
    """``texts`` maps document ids to their full text, for the highlighted view."""
    involved: dict[str, list[Claim]] = {}
    for c in report.contradictions:
        for claim in (c.claim_a, c.claim_b):
            involved.setdefault(claim.document, [])
            if claim not in involved[claim.document]:
                involved[claim.document].append(claim)
    pairs = []
    for rank, c in enumerate(report.contradictions, 1):
        probs = ", ".join(f"{escape(k)} {v:.2f}" for k, v in c.probabilities.items())
        pairs.append(
            f'<div class="pair" id="pair-{rank}"><div><span class="score">#{rank} score {c.score:.2f}</span> '
            f'{kind_label(c.kind)} <span class="meta">P(contradiction) {c.p_contradiction:.2f} ({probs}); '
            f"relatedness {c.relatedness:.2f}</span></div>"
            f"{_claim_html('A', c.claim_a)}{_claim_html('B', c.claim_b)}"
            + "".join(f'<div class="meta">numbers differ: {escape(note)}</div>' for note in c.mismatches)
            + (
                f'<div class="meta">scored on the cores: {" / ".join(map(escape, c.core_texts))}</div>'
                if c.core_texts
                else ""
            )
            + "</div>"
        )
    docs = [_document_html(d, texts.get(d, ""), involved.get(d, [])) for d in report.documents if d in texts]
    n_pairs = 0 if report.scores is None else len(report.scores.pairs)
    summary = (
        f"{len(report.contradictions)} contradiction(s) at threshold {report.threshold:.2f} among "
        f"{len(report.claims)} claims ({n_pairs} pairs scored); model {escape(report.model)}"
    )
    empty = f"<p>No contradictions at this threshold. {below_threshold_note(report, code='<code>{}</code>') or ''}</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Contradiction report</title><style>{_CSS}</style></head><body>"
        f"<h1>Contradiction report</h1><p>{summary}</p>"
        f"{''.join(pairs) or empty}"
        f"{''.join(docs)}</body></html>\n"
    )
