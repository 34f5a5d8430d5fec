"""Loader of the hand-annotated news contradiction benchmark (eval/data/news_contradictions/stories.jsonl).

Each story is a real news article (FNC-1 train bodies, plus the project's example story) with every pair of
contradicting claims marked by a human annotator. See eval/data/news_contradictions/README.md for how it was drawn
and annotated. The ``test`` split is to be run once per shipped model and never tuned on.

``python -m contradict.evaluation.news_benchmark [PATH]`` logs the counts per split, stratum, label, kind and type.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from contradict.errors import DataError

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "eval/data/news_contradictions/stories.jsonl"

SPLITS: tuple[str, ...] = ("dev", "test")
STRATA: tuple[str, ...] = ("disagree_or_discuss", "random", "example")
LABELS: tuple[str, ...] = ("contradictory", "none")
KINDS: tuple[str, ...] = ("between_sources", "self")
TYPES: tuple[str, ...] = (
    "numeric",
    "date",
    "negation",
    "antonym",
    "quantifier",
    "factive_modal",
    "lexical",
    "world_knowledge",
)


@dataclass(frozen=True)
class AnnotatedPair:
    """Two contradicting claims, each an exact substring of the story text, with their (start, end) spans."""

    a: str
    b: str
    kind: str
    type: str
    note: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]


@dataclass(frozen=True)
class Story:
    id: str
    body_id: str | None
    split: str
    stratum: str
    text: str
    label: str
    pairs: tuple[AnnotatedPair, ...]


def _check(value: object, allowed: tuple[str, ...], field: str, story_id: str) -> str:
    if value not in allowed:
        raise DataError(f"story {story_id!r}: {field} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _span(text: str, claim: object, story_id: str, side: str) -> tuple[int, int]:
    if not isinstance(claim, str) or not claim:
        raise DataError(f"story {story_id!r}: claim {side} is missing or empty")
    start = text.find(claim)
    if start < 0:
        raise DataError(f"story {story_id!r}: claim {side} {claim!r} is not in the story text")
    return start, start + len(claim)


def _parse_pair(raw: dict, text: str, story_id: str) -> AnnotatedPair:
    try:
        a, b, kind, type_, note = raw["a"], raw["b"], raw["kind"], raw["type"], raw.get("note", "")
    except (KeyError, TypeError) as exc:
        raise DataError(f"story {story_id!r}: pair {raw!r} lacks field {exc}") from exc
    return AnnotatedPair(
        a=a,
        b=b,
        kind=_check(kind, KINDS, "kind", story_id),
        type=_check(type_, TYPES, "type", story_id),
        note=str(note),
        a_span=_span(text, a, story_id, "a"),
        b_span=_span(text, b, story_id, "b"),
    )


def _parse_story(raw: dict, where: str) -> Story:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: not a JSON object")
    story_id = raw.get("id")
    if not isinstance(story_id, str) or not story_id:
        raise DataError(f"{where}: story without an id")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"story {story_id!r}: empty or missing text")
    raw_pairs = raw.get("pairs")
    if not isinstance(raw_pairs, list):
        raise DataError(f"story {story_id!r}: pairs must be a list")
    label = _check(raw.get("label"), LABELS, "label", story_id)
    pairs = tuple(_parse_pair(p, text, story_id) for p in raw_pairs)
    if (label == "contradictory") != bool(pairs):
        raise DataError(f"story {story_id!r}: label {label!r} does not agree with its {len(pairs)} pairs")
    body_id = raw.get("body_id")
    return Story(
        id=story_id,
        body_id=None if body_id is None else str(body_id),
        split=_check(raw.get("split"), SPLITS, "split", story_id),
        stratum=_check(raw.get("stratum"), STRATA, "stratum", story_id),
        text=text,
        label=label,
        pairs=pairs,
    )


def load_stories(path: Path | str | None = None, split: str | None = None) -> list[Story]:
    """Read the benchmark, check every field and locate every claim; keep only ``split`` when given.

    Raises :class:`~contradict.errors.DataError` on a malformed file: a claim that is not a substring of its story,
    an unknown kind/type/label/split/stratum, a duplicate id, or no stories at all.
    """
    if split is not None and split not in SPLITS:
        raise DataError(f"split {split!r} is not one of {', '.join(SPLITS)}")
    source = Path(path) if path is not None else DEFAULT_PATH
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"cannot read {source}: {exc}") from exc
    stories: list[Story] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: invalid JSON ({exc.msg})") from exc
        story = _parse_story(raw, where)
        if story.id in seen:
            raise DataError(f"{where}: duplicate story id {story.id!r}")
        seen.add(story.id)
        stories.append(story)
    if not stories:
        raise DataError(f"{source}: no stories")
    log.debug("loaded %d stories from %s", len(stories), source)
    return [s for s in stories if split is None or s.split == split]


def summary(stories: list[Story]) -> dict[str, Counter]:
    """Counts of stories per split/stratum/label and of pairs per kind/type (overall and per split)."""
    counts: dict[str, Counter] = {
        "stories_split_stratum": Counter((s.split, s.stratum) for s in stories),
        "stories_split_label": Counter((s.split, s.label) for s in stories),
        "stories_stratum_label": Counter((s.stratum, s.label) for s in stories),
        "pairs_split": Counter(s.split for s in stories for _ in s.pairs),
        "pairs_kind": Counter(p.kind for s in stories for p in s.pairs),
        "pairs_type": Counter(p.type for s in stories for p in s.pairs),
        "pairs_split_kind": Counter((s.split, p.kind) for s in stories for p in s.pairs),
        "pairs_split_type": Counter((s.split, p.type) for s in stories for p in s.pairs),
    }
    return counts


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    args = sys.argv[1:] if argv is None else argv
    stories = load_stories(args[0] if args else None)
    log.info("stories: %d", len(stories))
    for name, counter in summary(stories).items():
        log.info("%s:", name)
        for key, count in sorted(counter.items(), key=lambda kv: str(kv[0])):
            log.info("  %s: %d", " / ".join(key) if isinstance(key, tuple) else key, count)


if __name__ == "__main__":
    main()
