"""Segmentation: text → claims with exact character spans."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from contradict.attribution import PRONOUNS, Attribution, attribute, closes_quote, opens_quote
from contradict.types import Claim, Document, Skipped

_LINE = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """Sentences as (start, end, text) with ``text == source[start:end]``, outer whitespace excluded.

    Each line is segmented on its own, so a headline without a final period is not glued to the next
    sentence. nupunkt (a maintained Punkt implementation) finds the boundaries and gives the spans.
    """
    import nupunkt

    out: list[tuple[int, int, str]] = []
    for line in _LINE.finditer(text):
        block = line.group()
        if not block.strip():
            continue
        for _, (s, e) in nupunkt.sent_spans_with_text(block):
            piece = block[s:e]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            s, e = s + lead, e - trail
            if e > s:
                start, end = line.start() + s, line.start() + e
                out.append((start, end, text[start:end]))
    return out


@dataclass(frozen=True)
class Segmentation:
    claims: tuple[Claim, ...]
    skipped: tuple[Skipped, ...]


_CONTACT = re.compile(r"\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b|[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@\w{2,}")
_RELATED = re.compile(r"^(related (stories|articles|links|coverage)|read more|see also|more from)\b", re.IGNORECASE)
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}\s*(,|$)", re.IGNORECASE)


_FINAL = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "…")


def non_claim_reason(sentence: str, min_words: int = 4, *, whole_line: bool = False) -> str | None:
    """Why a sentence is not a checkable claim, or None when it is one.

    ``whole_line``: the sentence is a line of its own; without final punctuation it is then a headline
    or subheading, which summarises rather than asserts.
    """
    words = sentence.split()
    if not any(ch.isalpha() for ch in sentence):
        return "no_words"
    if _RELATED.match(sentence):
        return "related_links"
    if _BYLINE.match(sentence) and len(words) <= 12:
        return "byline"
    if _CONTACT.search(sentence) and len(words) <= 12:
        return "contact_line"
    if sentence.rstrip("”\"’' ").endswith("?"):
        return "question"
    if len(words) < min_words:
        return "too_short"
    if whole_line and not sentence.endswith(_FINAL) and len(words) <= 20:
        return "headline"
    return None


class Segmenter:
    """Documents → claims (sentences with exact spans) and the skipped non-claims, each with a reason.

    With ``attribution`` (the default) reported speech is split into speaker and claim: the claim's
    text and span cover the claim's words only, and quotations spanning several sentences keep their
    speaker.
    """

    def __init__(self, min_words: int = 4, *, attribution: bool = True) -> None:
        if min_words < 1:
            raise ValueError(f"min_words must be >= 1, got {min_words}")
        self.min_words = min_words
        self.attribution = attribution

    def run(self, documents: Sequence[Document]) -> Segmentation:
        claims: list[Claim] = []
        skipped: list[Skipped] = []
        for doc in documents:
            speakers = _SpeakerTracker()
            source = doc.view if doc.view is not None else doc.text
            # In a markup view, blanked markup leaves runs of spaces: the model sees them collapsed.
            tidy = (lambda t: " ".join(t.split())) if doc.view is not None else (lambda t: t)
            for start, end, sentence in split_sentences(source):
                line_start = source.rfind("\n", 0, start) + 1
                line_end = source.find("\n", end)
                line = source[line_start : len(source) if line_end < 0 else line_end]
                sentence = tidy(sentence)
                reason = non_claim_reason(sentence, self.min_words, whole_line=tidy(line.strip()) == sentence)
                if reason is not None:
                    skipped.append(Skipped(sentence, start, end, doc.id, reason))
                    continue
                if self.attribution:
                    raw = source[start:end]
                    att = attribute(raw, self.min_words)
                    speaker = speakers.update(raw, att)
                    a, b = start + att.start, start + att.end
                    claims.append(Claim(len(claims), tidy(source[a:b]), a, b, doc.id, speaker))
                else:
                    claims.append(Claim(len(claims), sentence, start, end, doc.id))
        return Segmentation(tuple(claims), tuple(skipped))


class _SpeakerTracker:
    """Speakers across the sentences of one document: open quotations, "he said" after a named speaker."""

    def __init__(self) -> None:
        self.last_named: str | None = None
        self.in_quote = False
        self.quote_speaker: str | None = None
        self.prev_quoted_speaker: str | None = None

    def update(self, sentence: str, att: Attribution) -> str | None:
        starts_quote = sentence.lstrip().startswith(("“", '"'))
        was_in_quote = self.in_quote
        speaker = att.speaker
        if speaker is None:
            if self.in_quote:
                speaker = self.quote_speaker
            elif starts_quote:
                speaker = self.prev_quoted_speaker
        if speaker is not None and speaker.lower() in ("he", "she") and self.last_named:
            speaker = self.last_named
        if speaker is not None and speaker.lower() not in PRONOUNS:
            self.last_named = speaker
        if opens_quote(sentence):
            self.in_quote, self.quote_speaker = True, speaker
        elif closes_quote(sentence):
            self.in_quote = False
        quoted = starts_quote or att.quoted or was_in_quote
        self.prev_quoted_speaker = speaker if quoted else None
        return speaker
