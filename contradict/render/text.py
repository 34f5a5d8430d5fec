"""Terminal rendering with Rich: the contradicting pairs, highest score first."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from contradict.render.hints import below_threshold_note, kind_label
from contradict.types import Claim, Report


def _claim_line(label: str, claim: Claim, multi_doc: bool) -> Text:
    where = f"{claim.document}:{claim.start}-{claim.end}" if multi_doc else f"chars {claim.start}-{claim.end}"
    line = Text(f"{label} ", style="bold")
    if claim.speaker:
        line.append(f"{claim.speaker}: ", style="cyan")
    line.append(claim.text)
    line.append(f"  ({where})", style="dim")
    return line


def render_text(report: Report, console: Console, *, verbose: bool = False) -> None:
    multi = len(report.documents) > 1
    n_pairs = 0 if report.scores is None else len(report.scores.pairs)
    console.print(
        f"[bold]{len(report.contradictions)}[/] contradiction(s) at threshold {report.threshold:.2f} "
        f"among {len(report.claims)} claims ({n_pairs} pairs scored, model {report.model})"
    )
    hint = below_threshold_note(report)
    if hint is not None:
        console.print(hint, markup=False)
    for rank, c in enumerate(report.contradictions, 1):
        lines = [_claim_line("A", c.claim_a, multi), _claim_line("B", c.claim_b, multi)]
        for note in c.mismatches:
            lines.append(Text(f"numbers differ: {note}", style="yellow"))
        if c.core_texts is not None:
            lines.append(Text(f"scored on the cores: {' / '.join(c.core_texts)}", style="dim"))
        # the figures go in the body: a panel title longer than the terminal is cut off
        lines.append(Text(f"P(contradiction) {c.p_contradiction:.2f} · relatedness {c.relatedness:.2f}", style="dim"))
        body = Group(*lines)
        title = f"#{rank}  score {c.score:.2f}  {kind_label(c.kind)}"
        console.print(Panel(body, title=title, title_align="left", border_style="red"))
    if verbose and report.skipped:
        table = Table(title="Not sent to the model", show_lines=False)
        table.add_column("reason")
        table.add_column("text")
        for s in report.skipped:
            table.add_row(s.reason, s.text)
        console.print(table)
