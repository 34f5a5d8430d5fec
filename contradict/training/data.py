"""Building the training pool: labelled pair files, news negatives, FNC-1 pairs, corruptions, extensions
and the pairs only a teacher labels."""

from __future__ import annotations

import functools
import json
import logging
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from contradict.errors import DataError
from contradict.training.config import DROP, LABEL_ALIASES, LABELS, UNLABELLED, Example, TrainConfig
from contradict.training.corrupt import corrupt

logger = logging.getLogger(__name__)

_MPE_IMAGE_ID = re.compile(r"\d+jpg\d")
_COMMON_WORDS = frozenset(
    "that this with from have were been said says will would they their there about after before which what "
    "when where while into than then them also more over some such just like only other could should being "
    "these those because according reported reports report told news".split()
)

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
    from contradict.pipeline.segment import split_sentences

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


