"""Speakers across the sentences of a document: who "he", "she", "they" and "it" are, and where a quotation
that runs over several sentences or paragraphs ends.

:func:`contradict.pipeline.attribution.attribute` finds the speaker written in one sentence ("Carter said …", "“…,” he
said"); :class:`SpeakerTracker` carries speakers from sentence to sentence for the segmenter.
"""

from __future__ import annotations

import re

from contradict.pipeline.attribution import PRONOUNS, Attribution, closes_quote, opens_quote

# last words that make a name an organisation's: "SITE Intel Group", "Harbor Watch", "Syrian Observatory"
_ORGANISATION_WORDS = frozenset(
    "group agency ministry department office council committee commission institute observatory watch news "
    "times post press network party union company corporation corp. inc. bank university association "
    "foundation army police court government administration service services center centre station newspaper "
    "paper website site magazine channel outlet broadcaster tabloid daily report statement state command guard "
    "force forces congress parliament senate house airlines airways league federation coalition alliance "
    "authority authorities board bureau fund trust club team".split()
)


# a role before a name: "Oregon State coach Wayne Tinkle", "Tesla spokeswoman Alexis Georgeson"
_ROLE_THEN_NAME = re.compile(r"\s[a-z][\w-]*\s+(?P<name>(?:[A-Z][\w’'.-]*\s+){1,3}[A-Z][\w’'.-]*)$")


def _looks_like_person(name: str) -> bool:
    """A name "he"/"she" can refer to later: capitalised words, not an acronym ("KMOV"), an organisation or a
    description; or a role before such a name."""
    role = _ROLE_THEN_NAME.search(name)
    if role is not None:
        return _looks_like_person(role.group("name"))
    words = name.split()
    return (
        0 < len(words) <= 6
        and name.lower() not in PRONOUNS
        and words[0] != "The"  # "The Mirror", "The Sun": a title, not a person
        and words[-1].lower() not in _ORGANISATION_WORDS
        and all(w[:1].isupper() for w in words)
        and not any(w.isupper() and len(w) > 1 and not w.endswith(".") for w in words)
    )


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


def _starts_with_quote(sentence: str) -> bool:
    return sentence.lstrip().startswith(_QUOTE_MARKS)


class SpeakerTracker:
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
        if self.in_quote and _starts_with_quote(sentence):
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
        if self.in_quote and not _starts_with_quote(sentence):
            self.in_quote = False

    def skip(self, sentence: str) -> None:
        """A sentence not sent to the model (too short, a question …) still opens or closes quotations."""
        self._follow_quotes(sentence, self.quote_speaker if self.in_quote else None)

    def update(self, sentence: str, att: Attribution) -> str | None:
        starts_quote = _starts_with_quote(sentence)
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
