"""Segmentation: text → claims with exact character spans."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from contradict.attribution import PRONOUNS, Attribution, attribute, closes_quote, opens_quote, quotes_balanced
from contradict.types import Claim, Document, Skipped

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

    def run(self, documents: Sequence[Document]) -> Segmentation:
        claims: list[Claim] = []
        skipped: list[Skipped] = []
        for doc in documents:
            speakers = _SpeakerTracker()
            unattributed: list[int] = []  # claims of the open quotation, its speaker not yet known
            seen: set[str] = set()
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
                    speakers.skip(source[start:end])
                    if not speakers.in_quote:
                        unattributed.clear()
                    continue
                if self.attribution:
                    raw = source[start:end]
                    att = attribute(raw, self.min_words)
                    speaker = speakers.update(raw, att)
                    first = len(claims)
                    for a, b in [(att.start, att.end), *([att.more] if att.more else [])]:
                        a, b = start + a, start + b
                        for s, e in split_clauses(source[a:b], self.min_words) if self.clauses else [(0, b - a)]:
                            text = tidy(source[a + s : a + e])
                            claims.append(Claim(len(claims), text, a + s, a + e, doc.id, speaker, number))
                    if speakers.in_quote and speaker is None:
                        unattributed.extend(range(first, len(claims)))
                    elif not speakers.in_quote:
                        if speaker is not None:  # a quotation whose speaker comes at its end: '"… . …," she said.'
                            for k in unattributed:
                                claims[k] = dataclasses.replace(claims[k], speaker=speaker)
                        unattributed.clear()
                else:
                    claims.append(Claim(len(claims), sentence, start, end, doc.id, None, number))
        return Segmentation(tuple(claims), tuple(skipped))


# last words that make a name an organisation's: "SITE Intel Group", "Harbor Watch", "Syrian Observatory"
_ORGANISATION_WORDS = frozenset(
    "group agency ministry department office council committee commission institute observatory watch news "
    "times post press network party union company corporation corp. inc. bank university association "
    "foundation army police court government administration service services center centre station newspaper "
    "paper website site magazine channel outlet broadcaster tabloid daily report statement".split()
)


def _looks_like_person(name: str) -> bool:
    """A name "he"/"she" can refer to later: capitalised words, not an acronym ("KMOV"), an organisation or a
    description."""
    words = name.split()
    return (
        0 < len(words) <= 6
        and name.lower() not in PRONOUNS
        and words[0] != "The"  # "The Mirror", "The Sun": a title, not a person
        and words[-1].lower() not in _ORGANISATION_WORDS
        and all(w[:1].isupper() for w in words)
        and not any(w.isupper() and len(w) > 1 and not w.endswith(".") for w in words)
    )


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


def _describes_person(speaker: str) -> bool:
    """A description "he"/"she" can refer to later: "a former Syrian rebel fighter", "the Pentagon chief" (not
    "the ministry", "the station")."""
    words = speaker.split()
    return (
        len(words) >= 2
        and words[0].lower() in ("a", "an", "the")
        and words[-1].islower()
        and words[-1] not in _ORGANISATION_WORDS
    )


_MALE = re.compile(r"(?:\w*(?<!wo)(?<!Ger)(?<!hu)(?<!Ro)man|father|son|husband|brother|boy|king|mr\.?|sir)$", re.I)
_FEMALE = re.compile(r"(?:\w*woman|mother|daughter|wife|sister|girl|queen|mrs\.?|ms\.?|miss|lady)$", re.I)
_PREPOSITION = re.compile(r"\s(?:with|of|for|from|at|in|close|familiar)\s")


def _head(speaker: str) -> str:
    """The head word of a speaker: "Sources with ties to ISIS" → "Sources", "the boy’s mother" → "mother"."""
    words = _PREPOSITION.split(speaker, maxsplit=1)[0].split()
    return words[-1] if words else ""


def _gender_fits(pronoun: str, speaker: str) -> bool:
    """Whether "he"/"she" can refer to the speaker: a spokesman is no "she", a mother no "he"; a name fits both."""
    head = _head(speaker)
    return not (_FEMALE.match(head) if pronoun.lower() == "he" else _MALE.match(head))


def _describes_group(speaker: str) -> bool:
    """A plural description "they" can refer to later: "Syrian opposition fighters", "Sources with ties to ISIS"
    (not a name such as "BuzzFeed News" or "Reuters")."""
    last = _head(speaker)
    if not last or all(w[:1].isupper() for w in speaker.split()):
        return False
    return last.endswith("s") and not last.endswith(("ss", "’s", "'s", "us")) and last.lower() not in PRONOUNS


def _is_organisation(speaker: str | None) -> bool:
    """A named speaker that is no person: "SITE Intel Group", "The Mirror", "CNN" (not "he", not a
    description such as "a hospital spokesman")."""
    return (
        speaker is not None
        and speaker[:1].isupper()
        and speaker.lower() not in PRONOUNS
        and not speaker.startswith(("A ", "An "))
        and not _looks_like_person(speaker)
    )


# "the Defense Ministry even posted …": a capitalised name after "the", not possessive, followed by a
# lower-case word (the name is the subject or object of what follows, not part of a longer title)
_THE_NAME = re.compile(r"\bthe\s+(?P<name>(?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*)(?![’']s\b)\s+[a-z]")


def _organisation_mention(sentence: str) -> str | None:
    """The first "the <Name>" in a sentence that "It said" in the next one can refer to."""
    m = _THE_NAME.search(sentence)
    return f"the {m.group('name')}" if m else None


# "Conner’s father, Donnell, also called for …": a sentence that opens on a person named in apposition to a
# relation or role ("<someone>’s father, <Name>,", "Her lawyer, <Name>,"); "he said" next refers to that name
_APPOSITIVE_SUBJECT = re.compile(
    # after a short fronted time or place phrase: "Last week, Sotloff’s mother, Shirley, pleaded …"
    r"^(?:[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,3},\s+)?"
    r"(?:[A-Z][\w-]*[’']s|[Hh]is|[Hh]er|[Tt]heir|[Tt]he\s+[a-z][\w-]*[’']s)\s+(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*,\s+"
    r"(?P<name>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}),\s+[a-z]"
)


def _appositive_subject(sentence: str) -> str | None:
    """The person a sentence opens on in apposition ("Conner’s father, Donnell, also called …" → "Donnell")."""
    m = _APPOSITIVE_SUBJECT.match(sentence.lstrip("“\"‘' "))
    return m.group("name") if m and _looks_like_person(m.group("name")) else None


_QUOTE_MARKS = ("“", '"')
# the sentence opens a paragraph: a blank line just before its line (searched back from the line's start)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n[ \t]*\Z")


class _SpeakerTracker:
    """Speakers across the sentences of one document: open quotations, "he said" after a named speaker,
    "it said" after a sentence naming an organisation ("the Defense Ministry even posted a video. It said …")."""

    def __init__(self) -> None:
        self.last_named: str | None = None
        self.last_group: str | None = None  # "they said" after "Syrian opposition fighters said"
        self.last_organisation: str | None = None
        self.in_quote = False
        self.quote_speaker: str | None = None
        self.prev_quoted_speaker: str | None = None

    def _follow_quotes(self, sentence: str, speaker: str | None) -> None:
        if self.in_quote and sentence.lstrip().startswith(("“", '"')):
            # a new paragraph of a quotation opens with a quote mark again (“… / “… / “…”): it ends the
            # quotation when the rest of it closes one
            self.in_quote = not closes_quote(sentence.lstrip()[1:])
        elif opens_quote(sentence):
            self.in_quote, self.quote_speaker = True, speaker
        elif closes_quote(sentence):
            self.in_quote = False

    def new_paragraph(self, sentence: str) -> None:
        """A paragraph that does not open with a quote mark ends a running quotation left unclosed (each
        paragraph of a quotation reopens it: “… / “… / “…”)."""
        if self.in_quote and not sentence.lstrip().startswith(_QUOTE_MARKS):
            self.in_quote = False

    def skip(self, sentence: str) -> None:
        """A sentence not sent to the model (too short, a question …) still opens or closes quotations."""
        self._follow_quotes(sentence, self.quote_speaker if self.in_quote else None)

    def update(self, sentence: str, att: Attribution) -> str | None:
        starts_quote = sentence.lstrip().startswith(("“", '"'))
        was_in_quote = self.in_quote
        speaker = att.speaker
        if speaker is None:
            if self.in_quote:
                speaker = self.quote_speaker
            elif starts_quote:
                speaker = self.prev_quoted_speaker
        if (
            speaker is not None
            and speaker.lower() in ("he", "she")
            and self.last_named
            and _gender_fits(speaker, self.last_named)
        ):
            speaker = self.last_named
        elif speaker is not None and speaker.lower() == "they" and self.last_group:
            speaker = self.last_group
        resolved_it = speaker is not None and speaker.lower() == "it" and self.last_organisation is not None
        if resolved_it:
            speaker = self.last_organisation
        if speaker is not None and _describes_group(speaker):
            self.last_group = speaker
        if speaker is not None and (_looks_like_person(speaker) or _describes_person(speaker)):
            self.last_named = speaker
        elif speaker is None and (subject := _appositive_subject(sentence)) is not None:
            self.last_named = subject
        # the sentence just before ("It" further back is too often something else): its speaker when that is an
        # organisation ("SITE Intel Group announced … It said …"; a resolved "It said" goes on with the same one),
        # else the organisation it names
        self.last_organisation = (speaker if resolved_it or _is_organisation(speaker) else None) or (
            _organisation_mention(sentence)
        )
        self._follow_quotes(sentence, speaker)
        quoted = starts_quote or att.quoted or was_in_quote
        self.prev_quoted_speaker = speaker if quoted else None
        return speaker
