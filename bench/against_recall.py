"""Recall of `check --against`: what the neighbour search keeps of all draft–source pairs, against NLI calls.

Usage: python bench/against_recall.py [--model DIR] [--bodies 60] [--headlines 8] [--ks 1,2,3,5,8] [--seed 0]
                                      [--out FILE]
Needs ../shared/data/news/fnc1_train_{stances,bodies}.jsonl (FNC-1 train: not the fnc1_against eval set, which
is built from the FNC-1 test split). A draft is up to ``--headlines`` related headlines of one article body (its
`disagree` headlines first, then `agree`/`discuss` ones, each a line of its own), checked against that body as
its source. Each draft is scored once on all of its draft–source pairs (both directions, the shipped model);
a pruned candidate set is a subset, so its pairs' scores are read from that run (a pair's score does not depend
on the other pairs). For each candidate strategy it prints the NLI calls, the share of the all-pairs findings
(score at the model's threshold, and at 0.5) that it keeps, and the share of draft claims paired with any
source claim:

- ``joint k`` (before): the neighbour search over drafts and sources together, draft–source pairs kept after;
- ``sources k``: each draft claim with its k nearest source claims, plus shared-number/name pairs;
- ``auto k``: what ``check --against`` does with ``--neighbours k``: all pairs while they are at most 190, else
  ``sources k``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

from contradict.api import detect, get_embedder, get_scorer
from contradict.pipeline.aggregate import verdicts
from contradict.pipeline.nli import resolve_model
from contradict.pipeline.pairing import Pairer, PairingStrategy
from contradict.types import Document, Scoring

NEWS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news"
_FINAL = (".", "!", "?", '"', "”", "’", "'")


def drafts(news: Path, bodies: int, headlines: int, seed: int) -> list[tuple[Document, Document]]:
    """(draft, source) pairs from FNC-1 train: related headlines of a body as the draft, the body as source."""
    texts = {}
    for line in (news / "fnc1_train_bodies.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts[row["body_id"]] = row["text"]
    related: dict[str, dict[str, str]] = defaultdict(dict)
    for line in (news / "fnc1_train_stances.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["stance"] != "unrelated":
                related[row["body_id"]].setdefault(row["headline"].strip(), row["stance"])
    eligible = sorted(b for b, h in related.items() if len(h) >= 4 and b in texts)
    chosen = random.Random(seed).sample(eligible, min(bodies, len(eligible)))
    out = []
    for body in chosen:
        ranked = sorted(related[body].items(), key=lambda item: (item[1] != "disagree", item[0]))[:headlines]
        # a headline without final punctuation on a line of its own is skipped as a headline: give it a period
        lines = [h if h.endswith(_FINAL) else f"{h}." for h, _ in ranked]
        out.append((Document(f"draft-{body}", "\n".join(lines) + "\n"), Document(f"body-{body}", texts[body])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--bodies", type=int, default=60)
    parser.add_argument("--headlines", type=int, default=8)
    parser.add_argument("--ks", default="1,2,3,5,8")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    scorer = get_scorer(None if args.model is None else resolve_model(args.model))
    threshold = float(scorer.settings.get("threshold", 0.5))
    thresholds = (threshold, 0.5)
    embedder = get_embedder()
    ks = [int(k) for k in args.ks.split(",")]
    names = ["all pairs", *(f"{kind} k={k}" for kind in ("joint", "sources", "auto") for k in ks)]
    calls = dict.fromkeys(names, 0)
    kept = {name: dict.fromkeys(thresholds, 0) for name in names}
    met = dict.fromkeys(names, 0)
    found_all = dict.fromkeys(thresholds, 0)
    draft_claims = 0
    pairs_total = 0
    start = time.perf_counter()
    dataset = drafts(args.news, args.bodies, args.headlines, args.seed)
    for draft, source in dataset:
        report = detect(
            draft, against=source, scorer=scorer, embedder=embedder, scoring=Scoring.fast, threshold=0.0,
            pairer=Pairer(PairingStrategy.all),
        )  # fmt: skip
        claims = report.claims
        scores = report.scores
        if scores is None or len(scores.pairs) == 0:
            continue
        pairs = [tuple(p) for p in scores.pairs.tolist()]
        score = verdicts(scores, report.relatedness_full).score
        found = {t: {p for p, s in zip(pairs, score, strict=True) if s >= t} for t in thresholds}
        emb = embedder.embed([c.text for c in claims])
        in_source = {c.id: c.document == source.id for c in claims}
        drafted = {c.id for c in claims if not in_source[c.id]}
        draft_claims += len(drafted)
        pairs_total += len(pairs)
        for t in thresholds:
            found_all[t] += len(found[t])
        sources = {source.id}
        subsets = {"all pairs": set(pairs)}
        for k in ks:
            joint = Pairer(PairingStrategy.neighbours, k=k).run(claims, emb)
            subsets[f"joint k={k}"] = {(p.a, p.b) for p in joint if in_source[p.a] != in_source[p.b]}
            subsets[f"sources k={k}"] = {
                (p.a, p.b) for p in Pairer(PairingStrategy.neighbours, k=k).run(claims, emb, sources=sources)
            }
            subsets[f"auto k={k}"] = {(p.a, p.b) for p in Pairer(k=k).run(claims, emb, sources=sources)}
        for name, subset in subsets.items():
            calls[name] += 2 * len(subset)
            met[name] += len({x for p in subset for x in p} & drafted)
            for t in thresholds:
                kept[name][t] += len(found[t] & subset)
    seconds = time.perf_counter() - start
    header = f"{'candidates':14} {'NLI calls':>9} {'kept':>7} {'kept@.5':>8} {'drafts met':>10}"
    lines = [
        f"{len(dataset)} drafts of up to {args.headlines} FNC-1 train headlines against their bodies"
        f" (seed {args.seed}): {draft_claims} draft claims, {pairs_total} draft-source pairs;"
        f" model {scorer.model_name}, threshold {threshold:.3f}; all-pairs findings: {found_all[threshold]} at the"
        f" threshold, {found_all[0.5]} at 0.5; {seconds:.0f} s",
        header,
    ]
    for name in names:
        shares = [kept[name][t] / found_all[t] if found_all[t] else float("nan") for t in thresholds]
        coverage = met[name] / draft_claims if draft_claims else float("nan")
        lines.append(f"{name:14} {calls[name]:9d} {shares[0]:7.3f} {shares[1]:8.3f} {coverage:10.3f}")
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
