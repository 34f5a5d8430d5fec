"""Segmentation: text → claims with exact character spans."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from contradict.pipeline.attribution import attribute, quotes_balanced
from contradict.pipeline.speakers import SpeakerTracker
from contradict.types import Claim, Document, Role, Skipped

_LINE = re.compile(r"[^\n]+")


# ". " between a lower-case word of four letters or more and a capitalised word: a sentence boundary nupunkt
# sometimes keeps ("…, Liverpool Echo reports. Late last year, …"); abbreviations are short or capitalised
_MISSED_BOUNDARY = re.compile(r"\b[a-z]{4,}\.(?P<gap>\s+)(?=[A-Z][a-z])")
# the same after a capitalised word that is no abbreviation, before a capitalised word and a lower-case one
# ("… at Joint Base Cape Cod. Base security personnel reported …"); 8 such splits over the FNC-1 and ContraDoc
# texts, all true boundaries
_MISSED_BOUNDARY_NAME = re.compile(r"\b(?P<word>[A-Z][a-z]{2,})\.(?P<gap>\s+)(?=[A-Z][a-z]+\s+[a-z])")
_ABBREVIATIONS = frozenset(
    "Gen Col Capt Sgt Lt Maj Gov Rep Sen Rev Sept Sep Aug Jan Feb Mar Apr Jun Jul Oct Nov Dec Mon Tue Tues Wed "
    "Thu Thurs Fri Sat Sun Corp Inc Ltd Bros Ave Blvd Dept Univ Prof Ft Mt St Jr Sr Mr Mrs Ms Dr No Vol Co Adm "
    "Cmdr Supt Det Insp Atty Sec Gens Messrs Calif Mass Conn Fla Ga Ill Ind Kan Ky La Md Mich Minn Miss Mo Mont "
    "Neb Nev Okla Ore Pa Tenn Tex Va Vt Wash Wis Wyo Ariz Ark Colo Del Ida Ala Cpl Pvt Spc Hon Esq Rt Lieut Fig "
    "Eq Ref Est Pres".split()
)


def _missed_boundaries(block: str, s: int, e: int) -> list[re.Match[str]]:
    found = list(_MISSED_BOUNDARY.finditer(block, s, e))
    found += [m for m in _MISSED_BOUNDARY_NAME.finditer(block, s, e) if m.group("word") not in _ABBREVIATIONS]
    return sorted(found, key=lambda m: m.start())


def _split_missed_boundaries(block: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        cut = s
        for m in _missed_boundaries(block, s, e):
            end = m.start("gap")
            if quotes_balanced(block[cut:end]):  # not inside a quotation that goes on
                out.append((cut, end))
                cut = m.end("gap")
        out.append((cut, e))
    return out


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
        for s, e in _split_missed_boundaries(block, [se for _, se in nupunkt.sent_spans_with_text(block)]):
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
_BYLINE = re.compile(
    r"^by\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}\s*(,|$)"
    # a wire credit line: "(Reporting by Michael Holden; editing by Andrew Hay)"
    r"|^\(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\s+[A-Z]"
    # a contribution credit: "The Associated Press contributed to this report."
    r"|^(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4}\s+contributed\s+(?:to\s+)?(?:this|the)\s+"
    r"(?:report|story|article)\b",
    re.IGNORECASE,
)


_FINAL = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "…")

# Function words: English ones, and common ones of other languages written in Latin script. Words that
# several of these languages share ("a", "no", "on", "he", "as") are left out of both lists.
_ENGLISH = frozenset(
    "the of to in for with by from and or but is are was were be been has have had it she they we you that "
    "this not will would said says his her their its there which who what an at".split()
)
_OTHER = frozenset(
    "de la le les el los las und der die das et est es y que en di il che non per um uma os é het een van ist "
    "nicht ein eine des du une un con por para se su del al dans sur pas wir ich och att och är och ett".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def looks_non_english(sentence: str) -> bool:
    """True when a sentence is most likely not English: mostly non-Latin letters, or (five words or more)
    more function words of other languages than of English. The shipped model reads English only."""
    if not sentence.isascii():  # an ASCII sentence has Latin letters only: straight to the function words
        letters = [ch for ch in sentence if ch.isalpha()]
        if not letters:
            return False
        if sum(ch.isascii() for ch in letters) < 0.5 * len(letters):
            return True
    words = [w.lower() for w in _WORD.findall(sentence)]
    if len(words) < 5:
        return False
    english = sum(w in _ENGLISH for w in words)
    other = sum(w in _OTHER for w in words)
    return other >= 2 and other > english


# "The mayor asked, “…?”" / "… asked the council: “…?”": a question asked, not a statement quoting one
_ASKED = re.compile(r"\b(?:ask|asks|asked|wonder|wonders|wondered|questioned)\b(?:\s+\w+){0,3}[\s,:]*$", re.IGNORECASE)


def _reports_a_question(sentence: str) -> bool:
    """A statement that quotes a question at its end: 'She said her first response was, "Did I hear you
    right?"' (three words or more before the quotation opens)."""
    if not sentence.rstrip().endswith(("”", '"')):
        return False
    opening = max(sentence.rfind("“"), sentence.rfind('"', 0, len(sentence.rstrip()) - 1))
    before = sentence[:opening]
    return opening > 0 and len(before.split()) >= 3 and not _ASKED.search(before)


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
    if sentence.rstrip("”\"’' ").endswith("?") and not _reports_a_question(sentence):
        return "question"
    if looks_non_english(sentence):
        return "not_english"
    if len(words) < min_words:
        return "too_short"
    if whole_line and not sentence.endswith(_FINAL) and len(words) <= 20:
        return "headline"
    return None


class Segmenter:
    """Documents → claims (sentences with exact spans) and the skipped non-claims, each with a reason.

    With ``attribution`` (the default) reported speech is split into speaker and claim: the claim's
    text and span cover the claim's words only, and quotations spanning several sentences keep their
    speaker. With ``clauses`` (the default, needs ``attribution``) compound sentences are split into
    their independent clauses, each a claim with the sentence's speaker. A sentence repeating an
    earlier one word for word (a photo caption) is skipped as ``duplicate``.
    """

    def __init__(self, min_words: int = 4, *, attribution: bool = True, clauses: bool = True) -> None:
        if min_words < 1:
            raise ValueError(f"min_words must be >= 1, got {min_words}")
        self.min_words = min_words
        self.attribution = attribution
        self.clauses = clauses

    def run(self, documents: Sequence[Document], *, sources: Collection[str] = ()) -> Segmentation:
        """``sources``: ids of source documents that the others (drafts) are checked against; when given, each
        claim's ``role`` says which it comes from."""
        claims: list[Claim] = []
        skipped: list[Skipped] = []
        for doc in documents:
            role = None if not sources else Role.source if doc.id in sources else Role.draft
            speakers = SpeakerTracker()
            unattributed: list[int] = []  # claims of the open quotation, its speaker not yet known
            seen: set[str] = set()
            seen_claims: set[str] = set()
            source = doc.view if doc.view is not None else doc.text
            # In a markup view, blanked markup leaves runs of spaces: the model sees them collapsed.
            tidy = (lambda t: " ".join(t.split())) if doc.view is not None else (lambda t: t)
            for number, (start, end, sentence) in enumerate(split_sentences(source)):
                line_start = source.rfind("\n", 0, start) + 1
                line_end = source.find("\n", end)
                line = source[line_start : len(source) if line_end < 0 else line_end]
                sentence = tidy(sentence)
                opens_paragraph = not source[line_start:start].strip() and (
                    line_start == 0 or _PARAGRAPH_BREAK.search(source[max(0, line_start - 40) : line_start])
                )
                if opens_paragraph:
                    speakers.new_paragraph(source[start:end])
                reason = non_claim_reason(sentence, self.min_words, whole_line=tidy(line.strip()) == sentence)
                key = " ".join(sentence.split()).lower()
                if reason is None and key in seen:  # a caption repeating the text, a pasted paragraph
                    reason = "duplicate"
                seen.add(key)
                if reason is not None:
                    skipped.append(Skipped(sentence, start, end, doc.id, reason))
                    speakers.skip(typewriter_quotes(source[start:end]))
                    if not speakers.in_quote:
                        unattributed.clear()
                    continue
                if self.attribution:
                    raw = typewriter_quotes(source[start:end])
                    att = attribute(raw, self.min_words)
                    speaker = speakers.update(raw, att)
                    first = len(claims)
                    for a, b in [(att.start, att.end), *([att.more] if att.more else [])]:
                        a, b = start + a, start + b
                        for s, e in split_clauses(source[a:b], self.min_words) if self.clauses else [(0, b - a)]:
                            text = tidy(source[a + s : a + e])
                            claim_key = normalise_claim(text).lower()
                            if claim_key in seen_claims:  # a quotation repeated later in the story
                                skipped.append(Skipped(text, a + s, a + e, doc.id, "duplicate"))
                                continue
                            seen_claims.add(claim_key)
                            claims.append(Claim(len(claims), text, a + s, a + e, doc.id, speaker, number, role=role))
                    if speakers.in_quote and speaker is None:
                        unattributed.extend(range(first, len(claims)))
                    elif not speakers.in_quote:
                        if speaker is not None:  # a quotation whose speaker comes at its end: '"… . …," she said.'
                            for k in unattributed:
                                claims[k] = dataclasses.replace(claims[k], speaker=speaker)
                        unattributed.clear()
                else:
                    claims.append(Claim(len(claims), sentence, start, end, doc.id, None, number, role=role))
        return Segmentation(tuple(claims), tuple(skipped))


_CLAUSE_BREAK = re.compile(r"(?:,\s+(?:but|and|yet)|;)\s+")
_SUBJECT_START = re.compile(
    r"^(?:(?:then|now|later|still|so)\s+)?"  # "…, and then we discovered …"
    r"(?:I|we|they|he|she|it|you|there|the|a|an|this|that|these|those|his|her|their|its|our|my|your|[A-Z]\w*|"
    r"most|many|some|several|all|both|each|few|none)\b"  # "…, and most of the staff … are in the US"
)
_AUX_NEAR = re.compile(
    # a word or more (the subject) before the auxiliary: ", and would provide …" joins a verb phrase, not a clause;
    # nor is ", and said that it would …" one (the auxiliary belongs to a clause inside the verb phrase)
    r"^(?:(?!(?:that|which|who|whether|if)\b)\S+\s+){1,3}?"
    r"(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|did|does|do)\b"
)


def split_clauses(text: str, min_words: int = 4) -> list[tuple[int, int]]:
    """Spans of the independent clauses of a claim: "X, but Y" → X and Y when Y has a subject of its own.

    A light rule instead of a parser: the break is ", but" / ", and" / ", yet" / ";", the right side must
    start like a clause (pronoun, determiner or name) or have an auxiliary verb in its first four words
    ("doctors were unable…"), and both sides need ``min_words`` words. "…to fight ISIL, and to support
    Assad" stays one claim.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        left, right = text[start : m.start()], text[m.end() :]
        if len(left.split()) < min_words or len(right.split()) < min_words:
            continue
        if not (_SUBJECT_START.match(right) or _AUX_NEAR.match(right)):
            continue
        if not quotes_balanced(left) or left.count("(") != left.count(")"):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


#: Punctuation and quote marks around a claim, ignored when claims are compared (with earlier claims of a
#: document here, with gold claims in :mod:`contradict.evaluation.segmentation`).
OUTER_MARKS = " \t\n\"“”‘’'.,;:!?…()"


def normalise_claim(text: str) -> str:
    """A claim's words without outer punctuation and quote marks, whitespace collapsed."""
    return " ".join(text.strip(OUTER_MARKS).split())


def typewriter_quotes(sentence: str) -> str:
    """Two apostrophes typed as a closing double quote (`…,'' Tinkle said`) read as one; same length, so the
    offsets found in it index the original."""
    return sentence.replace("''", '" ')


# the sentence opens a paragraph: a blank line just before its line (searched back from the line's start)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n[ \t]*\Z")
