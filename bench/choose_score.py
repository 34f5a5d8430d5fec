"""Choose the story score's form and the default threshold on development documents only.

Usage: python bench/choose_score.py [--model DIR] [--judge DIR] [--scoring auto|cascade|fast|accurate]
                                    [--min-silent 0.9] [--save]

Dev documents: the news benchmark's dev split and ContraDoc's dev half (sha256 of id even). Each is checked once
(threshold 0, every candidate pair kept); then, for each candidate form of the pair score —
  product:     P(contradiction) × relatedness weight (the model's stored relatedness_full)
  probability: P(contradiction) alone
  logistic:    a logistic regression over the pair features (contradict.pipeline.features), fitted on the news
               dev pairs (annotated pairs positive, all other scored pairs negative), evaluated by leaving one
               story out at a time
— prints the story ROC-AUC on news dev and ContraDoc dev, and hit@1 on news dev. The form with the best mean
AUC wins; the default threshold is the lowest at which at least --min-silent of the clean news dev stories
stay silent (recall of the contradictory ones printed beside it). --save stores score_weights (logistic only)
and threshold in the reporting model's contradict.json.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

import contradict
from contradict.evaluation.news_benchmark import load_stories
from contradict.evaluation.runner import document_inputs
from contradict.evaluation.story_metrics import match_index
from contradict.evaluation.tasks import default_data_root, is_dev_row, load_rows, resolve_task
from contradict.pipeline.aggregate import relatedness_weight
from contradict.pipeline.features import FEATURES, pair_features
from contradict.pipeline.nli import save_model_settings
from contradict.types import ScoreWeights, Scoring


@dataclass
class Doc:
    group: str  # news or contradoc
    contradictory: bool
    features: np.ndarray  # (m, F)
    positive: np.ndarray  # (m,) bool: the pair matches an annotated pair (news only)


def collect(options: dict) -> tuple[list[Doc], float, str]:
    docs: list[Doc] = []
    relatedness_full, model = 0.5, ""
    for story in load_stories(split="dev"):
        report = contradict.detect(story.text, threshold=0.0, **options)
        relatedness_full, model = report.relatedness_full, report.model
        s = report.scores
        spans = [(p.a_span, p.b_span) for p in story.pairs]
        by_id = {c.id: c for c in report.claims}
        pos = np.array(
            [
                match_index((by_id[a].start, by_id[a].end), (by_id[b].start, by_id[b].end), spans) >= 0
                for a, b in s.pairs.tolist()
            ],
            dtype=bool,
        )
        docs.append(Doc("news", story.label == "contradictory", pair_features(s), pos))
    task = resolve_task("contradoc_dev")
    for row in load_rows(task, default_data_root()):
        if not is_dev_row(row["id"]):
            continue
        draft, source = document_inputs(row)
        s = contradict.detect(draft, against=source, threshold=0.0, **options).scores
        docs.append(Doc("contradoc", row["label"] == "contradictory", pair_features(s), np.zeros(len(s.pairs), bool)))
    return docs, relatedness_full, model


def fit(docs: list[Doc]) -> ScoreWeights:
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([d.features for d in docs])
    y = np.concatenate([d.positive for d in docs])
    lr = LogisticRegression(C=0.1, class_weight="balanced", max_iter=2000).fit(x, y)
    return ScoreWeights(FEATURES, tuple(float(c) for c in lr.coef_[0]), float(lr.intercept_[0]))


def sigmoid_score(features: np.ndarray, w: ScoreWeights) -> np.ndarray:
    if len(features) == 0:
        return np.zeros(0)
    return 1 / (1 + np.exp(-(w.intercept + features @ np.asarray(w.coefficients))))


def story_scores(docs: list[Doc], form: str, relatedness_full: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """Per document: the best pair's score, and every pair's score, under one form (logistic: left out)."""
    news = [d for d in docs if d.group == "news"]
    best, pair_scores = [], []
    full_fit = fit(news) if form == "logistic" else None
    for d in docs:
        if form == "product":
            s = d.features[:, 0] * relatedness_weight(d.features[:, 3], relatedness_full)
        elif form == "probability":
            s = d.features[:, 0]
        else:
            w = fit([n for n in news if n is not d]) if d.group == "news" else full_fit
            s = sigmoid_score(d.features, w)
        pair_scores.append(s)
        best.append(float(s.max()) if len(s) else 0.0)
    return np.array(best), pair_scores


def main() -> None:
    from sklearn.metrics import roc_auc_score

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--judge", default=None)
    parser.add_argument("--scoring", choices=[s.value for s in Scoring], default="auto")
    parser.add_argument("--min-silent", type=float, default=0.9)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    options = {"model": args.model, "judge": args.judge, "scoring": Scoring(args.scoring)}
    docs, relatedness_full, model = collect(options)
    print(f"# python {' '.join(sys.argv)}\nmodel {model}; relatedness_full {relatedness_full}")
    print("| form | news dev AUC | ContraDoc dev AUC | mean | news dev hit@1 |\n|---|---|---|---|---|")
    results = {}
    for form in ("product", "probability", "logistic"):
        best, pairs = story_scores(docs, form, relatedness_full)
        aucs = []
        for group in ("news", "contradoc"):
            idx = [i for i, d in enumerate(docs) if d.group == group]
            y = np.array([docs[i].contradictory for i in idx])
            aucs.append(float(roc_auc_score(y, best[idx])))
        hits = [
            bool(d.positive[int(np.argmax(p))]) for d, p in zip(docs, pairs, strict=True)
            if d.group == "news" and d.contradictory and len(p)
        ]
        results[form] = (float(np.mean(aucs)), best)
        print(f"| {form} | {aucs[0]:.3f} | {aucs[1]:.3f} | {np.mean(aucs):.3f} | {np.mean(hits):.3f} |")
    form = max(results, key=lambda f: results[f][0])
    best = results[form][1]
    news = np.array([d.group == "news" for d in docs])
    y = np.array([d.contradictory for d in docs])
    clean = np.sort(best[news & ~y])
    threshold = float(clean[min(len(clean) - 1, int(np.ceil(args.min_silent * len(clean))) - 1)]) + 1e-6
    recall = float((best[news & y] >= threshold).mean())
    silent = float((best[news & ~y] < threshold).mean())
    print(f"\nchosen: {form}; threshold {threshold:.4f} (news dev: clean silent {silent:.3f}, contradictory flagged "
          f"{recall:.3f})")
    if args.save:
        update: dict = {"threshold": round(threshold, 4)}
        if form == "logistic":
            update["score_weights"] = fit([d for d in docs if d.group == "news"]).to_dict()
        reporting = contradict.api.resolve_judge(args.judge) if options["scoring"] is not Scoring.fast else None
        target = reporting or contradict.api.resolve_model(args.model)
        print(f"saved to {save_model_settings(target, update)}")


if __name__ == "__main__":
    main()
