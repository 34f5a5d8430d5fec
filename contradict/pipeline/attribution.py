"""Attribution: who makes a claim, and the claim without its reporting frame.

"Carter said the airstrikes would not create problems" → claim "the airstrikes would not create
problems", speaker "Carter". Handled forms: speaker first ("X said (that) …", with appositives and a
day word), quote first ("“…,” X said" / "“…,” said X"), and "according to X". A light, measured
rule set rather than a parser: it runs in microseconds a sentence and keeps exact spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# whom something was told: "reporters", "the station", one word, or a name of up to four words ("BuzzFeed News")
_TOLD = r"told\s+(?:reporters|journalists|the\s+\w+|[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){1,3}|\w+)"
_SAY = (
    rf"(?:said|says|say|{_TOLD}|added|adds|stated|states|claimed|claims|insisted|"
    r"insists|warned|warns|argued|argues|noted|notes|explained|explains|wrote|writes|announced|announces|railed|"
    r"asserted|asserts|acknowledged|acknowledges|declared|declares|contended|contends|maintained|maintains|"
    r"reported|reports|denied|denies|confirmed|confirms|admitted|admits|testified|testifies|tweeted|tweets)"
)
_WHEN = (
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|earlier|later|"
    r"last\s+\w+|this\s+\w+))?"
)
# Verbs that take a bare clause ("X said the raids…"); any other reporting verb needs "that" before its
# claim, since "X warned Moscow against…" has an object, not a claim, after the verb.
_SAY_BARE = rf"(?:said|says|say|{_TOLD}|added|stated|claimed|insisted|argued|noted|wrote)"
# where or to whom, between a reporting verb and "that": "announced on Twitter that", "said in a statement that"
_VENUE = r"(?:\s+(?:on|in|to|via|through|at|during|before)(?:\s+[\w’'.&-]+){1,4}?)?"
# "X said: “…”" (a colon before the quotation, common in British news) frames like "X said …"; the form with
# "that" is tried first, so that a venue before "that" is not taken for the start of the claim
# "told the Associated Press that", "told news media in Havana that": a listener of up to twelve words, without a
# quotation, a colon or a subject pronoun, before a "that" that opens the claim ("told you about a prank that saw …"
# and "told reporters it's essential that …" have none)
_LISTENER_WORD = r"\s+(?!['‘]|(?:I|he|she|we|they|it[’']s|there)\b)[^\s“”\":]+"
_TOLD_THAT = rf"told(?:{_LISTENER_WORD}){{1,12}}?\s+that(?!\s+(?:saw|was|were|is|are|has|had)\b)"
_SPEAKER_FIRST = re.compile(
    rf"\s+(?:{_SAY}{_WHEN}{_VENUE}(?:,)?\s+that|{_TOLD_THAT}|{_SAY_BARE}{_WHEN}(?:[,:])?(?:\s+that)?)\s+"
)
# what follows a bare reporting verb (no "that", no colon) but is no claim: "Sotloff wrote about the war",
# "She said to him …"
# ("He said about 20 sorties were flown": "about" before a number is "roughly", and the claim goes on)
_NOT_A_CLAIM_START = re.compile(r"^(?:about(?!\s+[\d$£€])|for|to|of|with|from|into|on|in|at|by|as)\b", re.IGNORECASE)
# Reporting verbs that also have an ordinary sense taking an object: "Apple added a folder to Photos", "Godane
# claimed responsibility for the attack", "She wrote a long post", "Detours had added about 15 minutes to most
# trips", "The detentions added to the mystery that …". ("said" almost never takes an object.)
_ORDINARY_SENSE_VERB = re.compile(
    r"^\s*(?:told|added|adds|add|stated|states|claimed|claims|insisted|argued|noted|notes|wrote|writes)\b"
)
_ADDED_TO = re.compile(r"^\s*(?:added|adds|add)\s+to\b")  # "added to speculation that …": made it grow
_AUXILIARIES = frozenset(
    "is are was were be been has have had will would can could may might must should shall did does do cannot".split()
)
# common irregular past forms (regular ones end in -ed)
_PAST_FORMS = frozenset(
    "went came got gave found knew thought told said saw became began brought bought built felt held kept left lost "
    "made meant met paid ran sent sold spent stood took taught won wrote fell led fled fought grew broke chose drove "
    "flew hid rose sat slept spoke stole struck threw understood wore caught drew sank shot hit cut put set hurt "
    "beat fed forgot hung laid lent lit rode rang shook shut sought stuck swore swept tore wept withdrew woke dealt "
    "drank froze knelt slid spread sprang overcame undertook upheld".split()
)
_DETERMINERS = frozenset("a an the his her its their our my your this these those some any each every no".split())
_SUBJECTS = frozenset("i he she we they you there".split())
# words that open a clause inside a noun phrase: the next verb is that clause's ("the bomb that was found …")
_CLAUSE_OPENERS = frozenset("who which that whom whose where when why how what whether if because while".split())
_REPORTED_QUESTION = frozenset("how why whether what when where if".split())
_CLAUSE_WINDOW = 12  # words read after the verb
_TOKEN = re.compile(r"[A-Za-z0-9][\w’'.-]*|[,;:()–—]")
# a quotation after a comma or colon soon after the verb, or of five words or more within six words of it (not a
# scare quote: "added a “recently deleted” folder"): "stated bluntly Tuesday, “…”", "told a news conference in the
# state capital, Chilpancingo: ‘…’", "told an Australian television network “that's where it actually …”"
_QUOTATION_SOON = re.compile(r"^(?:(?:\S+\s+){0,5}[“\"‘'](?:\S*[^\s”\"’']\s+){4}|[^“\"‘]{0,60}?[,:]\s*[“\"‘'])")


_SET_OFF = (",", "-", "–", "—")
# what may stand between a relative pronoun and the reporting verb when the pronoun is the verb's subject
_RELATIVE_ADVERBIALS = frozenset(
    "on in at last this earlier later also has have had was is previously reportedly recently then again once first "
    "month week year monday tuesday wednesday thursday friday saturday sunday today yesterday".split()
)
# a passive or negated verb before a back frame's verb: "…, couldn’t be independently confirmed." names no speaker
_PASSIVE = re.compile(r"\b(?:be|been|being|not|never)\s+(?:\w+ly\s+)?\w+\s*[.!]?$|n[’']t\b")


def _finite_verb(token: str, before: list[str]) -> bool:
    """A word that reads as a finite verb (``before``: the lower-case words before it): an auxiliary, a negated
    one, a past form in lower case that is no adjective, or a present form where one is easy to tell."""
    word = token.lower().replace("’", "'")
    if word in _AUXILIARIES or word.endswith("n't"):
        return True
    if not token[0].islower():
        return False
    if word in _PAST_FORMS or (len(word) > 4 and word.endswith("ed")):
        # an adjective after an article, or an article and an adverb: "the fabricated story", "a recently deleted …"
        return not (before[-1:] and before[-1] in _DETERMINERS) and not (
            len(before) >= 2 and before[-2] in _DETERMINERS and before[-1].endswith("ly")
        )
    if before[-1:] and before[-1] in ("themselves", "himself", "herself", "itself"):
        return True  # "the planes themselves become …"
    # a present form: after an adverb ("naturally insinuates"), or after an article and a noun ("the plan remains")
    present = word.endswith("s") and not word.endswith(("ss", "us", "'s")) and len(word) > 3
    return (
        present
        and bool(before)
        and (
            before[-1].endswith("ly")
            or (len(before) == 2 and before[0] in _DETERMINERS and not before[1].endswith("s"))
        )
    )


def looks_like_clause(text: str) -> bool:
    """Whether the words after a reporting verb read as a clause, a subject then a finite verb ("the raids hit
    no militants", "Kim had surgery"), rather than as the verb's object ("a new twist", "about 15 minutes to most
    trips", "responsibility for the attack"). A light reading of the first :data:`_CLAUSE_WINDOW` words: a
    subject pronoun first, or a finite verb before the first comma; the verb of a relative clause (", which was
    …,", "the bomb that was found") and one joined by "and" ("letters and placed calls") do not count."""
    if _QUOTATION_SOON.match(text.lstrip()):
        return True
    words: list[str] = []
    relative = pending = in_group = coordinated = False
    tokens = _TOKEN.findall(text)
    for i, token in enumerate(tokens):
        if len(words) >= _CLAUSE_WINDOW:
            return False
        if token == ":":
            return len(words) <= 3  # "added online: …" (not "wrote a letter to the company …: …")
        if token in ",;()–—":
            following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
            if token == "," and not relative and following in _CLAUSE_OPENERS:
                relative = True  # ", which was widely welcomed," inside the subject
                continue
            if token == "," and relative:
                relative = False
                continue
            return False  # the first phrase ends without a verb
        if relative:
            continue
        word = token.lower().replace("’", "'")
        if not words:
            if word.split("'")[0] in _SUBJECTS or ("'" in word and word.split("'")[0] in ("it", "that")):
                return True  # "he believes …", "it's essential …"
            if word in _REPORTED_QUESTION:
                return True  # "told of how the group kills prisoners"
            if word in _AUXILIARIES:
                return False  # no subject: "was when I started …"
        if _finite_verb(token, words):
            if not (pending or in_group or coordinated):
                return True
            pending, in_group = False, True
        else:
            in_group = False
        coordinated = word in ("and", "or", "but")
        pending = pending or word in _CLAUSE_OPENERS
        words.append(word)
    return False


def _ordinary_sense(frame: str, claim: str, bare: bool) -> bool:
    """The reporting verb of a speaker-first ``frame`` is used in its ordinary sense: "added to …" (made it
    grow), or a verb that can take an object followed, without "that" or a colon, by words that are no clause."""
    verb = frame.strip()
    if verb.endswith((",", ":")):  # "He added, “…”"
        return False
    return bool(_ADDED_TO.match(verb)) or (
        bare and bool(_ORDINARY_SENSE_VERB.match(verb)) and not looks_like_clause(claim)
    )


_LEADING_CONJUNCTION = re.compile(r"^(?:but|and|yet|so|however|still|meanwhile),?\s+", re.IGNORECASE)
_QUOTE_FIRST = re.compile(
    rf"^[“\"](?P<claim>.+?)[,]?[”\"]\s*,?\s*(?:(?P<sp1>[^“”\",]{{1,80}}?)\s+{_SAY}\b|{_SAY}\s+(?P<sp2>[^“”\",]{{1,80}}))"
)
# an impersonal frame after the claim: "…, it has been claimed." / "…, it was reported." (no speaker)
_IMPERSONAL_BACK = re.compile(
    r",\s*it\s+(?:has\s+been|had\s+been|was|is)\s+(?:claimed|reported|alleged|understood|said)\s*[.!]?$"
)
# "According to the Mail on Sunday, which said its source was a nurse, …": the relative clause goes with the frame
_ACCORDING_FRONT = re.compile(
    r"^(?:[Aa]ccording to (?P<speaker>[^,]{2,80}),(?:\s*which\s[^,]{2,80},)?\s*"
    # without the comma the source is a name, and the claim starts with a determiner or a pronoun: "According to
    # The Wall Street Journal the company has decided …"; "Per MarketWatch: “…”"
    r"|[Aa]ccording to (?P<name>(?:[Tt]he\s+)?[A-Z][\w.&’'-]*(?:\s+(?:of|and|for|the|[A-Z][\w.&’'-]*)){0,6})\s+"
    r"(?=(?:the|a|an|it|he|she|they|its|his|her|their|this|these|those|there)\b)"
    r"|Per (?P<per>[A-Z][^,:“\"]{1,60})[,:]\s*)"
)
_ACCORDING_BACK = re.compile(r",\s*according to (?P<speaker>[^,.]{2,80})\.?$")
# A frame after the claim: "…, CNN reported Tuesday." / "…, a clinic spokeswoman said." / "…, said Carter."
_FRAME_BACK = re.compile(
    rf",(?P<quote>[”\"])?\s*(?:(?P<sp1>[A-Za-z][^,“”\"]{{0,60}}?)\s+(?:said|says|reported|reports|told\s+\w+|added|"
    rf"confirmed|announced|wrote|tweeted){_WHEN}|said\s+(?P<sp2>(?:[A-Z]|the\s|a\s|an\s)[^,“”\"]{{0,60}}?))\s*[.!]?$"
)
_NAMING = re.compile(
    r"^who\s+(?:calls|called)\s+(?:herself|himself|themselves|itself)\s+(?P<name>(?:[A-Z][\w.’'-]*\s*){1,4})$"
)
# a picture credit glued to the sentence by the page's markup: "Photo: Faceook“My whole dream …,” she said."
_GLUED_CREDIT = re.compile(r"^(?:Photo|Image|Picture|Video)s?:[^“\"]{0,40}?(?=[“\"])")
# a second report of the same speaker: ", adding that …", ", saying …"
_ADDING = re.compile(
    r",\s*(?:adding|saying|noting|explaining|insisting|stressing)(?:\s+that|:)?\s+(?=\S)"
    # "X stated that Y but acknowledged that Z", "…, but added that Z"
    r"|(?:,\s*|\s+)(?:but|and)\s+(?:added|acknowledged|admitted|conceded|noted|insisted|warned|said)\s+that\s+"
)
_FRONTED_PHRASE = re.compile(
    r"^(?:in|on|at|during|after|before|from|speaking|asked|earlier|later|last|late|meanwhile|however|but|and)\b",
    re.IGNORECASE,
)
_APPOSITIVE = re.compile(r"^(?:a|an|among|who|which|whose|one|both|including)\b", re.IGNORECASE)
_CLAUSE_WORD = re.compile(
    r"\b(?:that|which|who|whom|whose|where|when|if|because|while|what|how|why|whether)\b", re.IGNORECASE
)
# an adverb between the speaker and the reporting verb belongs to neither ("Carter also said …", "Police later
# said …")
_SPEAKER_ADVERB = re.compile(
    r"(?:\s+(?:also|later|earlier|again|previously|repeatedly|then|further|initially|reportedly|first|recently|"
    r"separately|subsequently|originally|publicly|privately|once|since|too|now|had|has|have|would|will|could))+$"
)
# words before "say" that make an idiom, not a speaker ("Needless to say, …", "As they say, …", "Let's say …"),
# a negated report, which attributes nothing ("Psaki would not say whether …"), a clause that goes on into
# the verb ("The mayor went home and said …": the subject speaks, but the words before "and" are no speaker),
# and an article, before a verb used as an adjective ("The stated purpose of the raids …")
_NOT_SPEAKER = re.compile(
    r"^(?:as|if|when|while|because|let|let’s|let's|i’d|i'd|we’d|we'd)\b|\b(?:to|not|never|and|or|but|the|a|an)$|n[’']t$"
    r"|\b(?:is|are|was|were)\b",  # a clause: "Kuo's forecast is in keeping with recent reports that …"
    re.IGNORECASE,
)
# a description as speaker starts with a determiner: "the Pentagon chief", "some technology commentators"
_DESCRIPTION_STARTS = ("the ", "a ", "an ", "some ", "many ", "several ", "other ", "others ", "most ", "both ")
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you"})
_OPEN_QUOTES = '“"'
_CLOSE_QUOTES = '”"'


@dataclass(frozen=True)
class Attribution:
    """``start``/``end``: the claim's span inside the sentence; ``speaker`` as written (None: narrator)."""

    start: int
    end: int
    speaker: str | None
    quoted: bool = False
    #: a further claim of the same speaker after the frame: "“…,” the spokesperson said, adding that X" → X
    more: tuple[int, int] | None = None


def quotes_balanced(text: str) -> bool:
    """Every quotation opened in ``text`` is closed in it (curly pairs match, straight marks come in pairs)."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _max_speaker_words(speaker: str) -> int:
    """Six words, or nine when a preposition joins a description ("An official with the U.S. State
    Department", "Sources with ties to ISIS or its associates")."""
    return 9 if re.search(r"\s(?:with|of|for|from|at|in)\s", speaker) else 6


def _speaker_from_prefix(prefix: str) -> str | None:
    """The speaker inside the words before a reporting verb: the last comma chunk that is not an
    appositive ("Maj. Gen. Igor Koneshenkov, a Russian Defense Ministry spokesman" → the name)."""
    tail = prefix.rsplit("”", 1)[-1]
    # commas and spaced dashes both set off what is not the speaker: "(Reuters) - Britain said …"
    chunks = [c.strip(" -–—") for c in re.split(r",|\s[-–—]{1,2}\s", tail) if c.strip(" -–—")]
    # a fronted phrase is no speaker: "In a statement to Sky News, an IBM spokeswoman said …"
    while len(chunks) > 1 and _FRONTED_PHRASE.match(chunks[0]):
        chunks.pop(0)
    # "India's laws, which the World Bank says …", "Nikolai, who he says …": the relative clause has a speaker of its
    # own. A relative clause whose subject is the relative pronoun ("X, which on Sunday said …", "The virus, which has
    # claimed …"), that closes before the verb ("X, who chairs the board, said …") or that has a predicate of its own
    # ("Jun Feng, 30, who helped the woman after her attackers left told …") is an appositive, dropped below.
    last = chunks[-1].split() if chunks else []
    if (
        last
        and last[0].lower() in ("which", "who", "that")
        and len(last) <= 5
        and not tail.rstrip().endswith(_SET_OFF)
        and not (len(last) > 1 and all(w.lower() in _RELATIVE_ADVERBIALS for w in last[1:]))
    ):
        return None
    # appositives and an age ("Xue Paan, 37, said …") follow the name; one may give the name itself ("The
    # therapist, who calls herself Jasmine Tridevil, said …")
    description = None  # "a former Syrian rebel fighter" in "One of the three sources … - a former … fighter - said"
    while len(chunks) > 1 and (_APPOSITIVE.match(chunks[-1]) or chunks[-1].isdigit()):
        popped = chunks.pop()
        named = _NAMING.match(popped)
        if named:
            return named.group("name")
        if description is None and re.match(r"(?:a|an)\s", popped, re.IGNORECASE):
            description = popped
    if not chunks:
        return None
    speaker = _valid_speaker(chunks[-1])
    # a head too long or too odd to be a speaker, described by its appositive: the description speaks
    return speaker if speaker is not None or description is None else _valid_speaker(description)


def _valid_speaker(chunk: str) -> str | None:
    """The chunk as a speaker, or None when it cannot be one."""
    # checked without its adverb ("… Smith Jr. also" is a six-word name); `attribute` strips it from every speaker
    speaker = _SPEAKER_ADVERB.sub("", _LEADING_CONJUNCTION.sub("", chunk))
    if _CLAUSE_WORD.search(speaker) or _NOT_SPEAKER.search(speaker):  # "the government that America" is no speaker
        return None
    # a name, or a description: "the Pentagon chief", "a hospital spokesman"
    if (
        not speaker
        or len(speaker.split()) > _max_speaker_words(speaker)
        or not (speaker[0].isupper() or speaker.startswith(_DESCRIPTION_STARTS))
    ):
        return None
    return speaker


def _wholly_quoted(text: str) -> bool:
    """The text is one quotation: “…” with no other quotation mark inside."""
    text = text.strip()
    return len(text) > 2 and text[0] == "“" and text.endswith("”") and text.count("“") == text.count("”") == 1


def _closes_inner_quote(span: str) -> bool:
    """Whether the span's last character closes a quotation opened inside the span
    ("… as “surgical strikes.”"): such a quote mark belongs to the claim."""
    if span.endswith("”"):
        return span.count("“") >= span.count("”")
    return span.endswith('"') and span.count('"') % 2 == 0 and not span.startswith('"')


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop outer whitespace, quote marks and a dangling comma from a span; a closing quote mark that
    matches one inside the span stays."""
    while start < end and (sentence[start].isspace() or sentence[start] in _OPEN_QUOTES):
        start += 1
    while end > start and (sentence[end - 1].isspace() or sentence[end - 1] in _CLOSE_QUOTES + ","):
        if sentence[end - 1] in _CLOSE_QUOTES and _closes_inner_quote(sentence[start:end]):
            break
        end -= 1
    return start, end


#: How deep reports inside reports are followed ("According to X, Y said Z", "X reported that Y noted Z"); a
#: sentence nesting deeper keeps the speaker found at this depth, and the time stays linear in its length.
MAX_NESTING = 4


def attribute(sentence: str, min_words: int = 4) -> Attribution:
    """Split a sentence into speaker and claim; a sentence without a recognised frame is all claim. An adverb
    between speaker and verb is no part of the speaker, whichever frame found it."""
    return _attribute_nested(sentence, min_words, 0)


def _shifted(inner: Attribution, offset: int) -> Attribution:
    """An attribution found in ``sentence[offset:]``, with its spans made relative to ``sentence``."""
    more = None if inner.more is None else (offset + inner.more[0], offset + inner.more[1])
    return Attribution(offset + inner.start, offset + inner.end, inner.speaker, inner.quoted, more)


def _inner(sentence: str, min_words: int, depth: int) -> Attribution:
    """The attribution of a report inside a report, or none below :data:`MAX_NESTING`."""
    if depth >= MAX_NESTING:
        return Attribution(0, len(sentence), None)
    return _attribute_nested(sentence, min_words, depth + 1)


def _attribute_nested(sentence: str, min_words: int, depth: int) -> Attribution:
    att = _attribute(sentence, min_words, depth)
    if att.speaker is None:
        return att
    start, end, more = att.start, att.end, att.more
    # "…,” X said Monday, adding that Y": Y after the frame; "X said Y, adding that Z": Z inside the claim
    m = None if more else _ADDING.search(sentence, end) or _ADDING.search(sentence, start, end)
    if m is not None and quotes_balanced(sentence[: m.start()] if m.start() >= end else sentence[start : m.start()]):
        more = _trim(sentence, m.end(), len(sentence))
        if len(sentence[more[0] : more[1]].split()) < min_words:
            more = None
        elif m.start() < end:
            end = _trim(sentence, start, m.start())[1]
    return Attribution(start, end, _SPEAKER_ADVERB.sub("", att.speaker), att.quoted, more)


def _attribute(sentence: str, min_words: int, depth: int) -> Attribution:
    credit = _GLUED_CREDIT.match(sentence)
    if credit:
        return _shifted(_attribute(sentence[credit.end() :], min_words, depth), credit.end())
    whole = Attribution(*_trim(sentence, 0, len(sentence)), None)
    m = _QUOTE_FIRST.match(sentence)
    if m:
        speaker = (m.group("sp1") or m.group("sp2") or "").strip().rstrip(".")
        if speaker and len(speaker.split()) <= 8:
            speaker = _speaker_from_prefix(speaker) or speaker
            start, end = _trim(sentence, m.start("claim"), m.end("claim"))
            if len(sentence[start:end].split()) >= min(3, min_words):  # a quoted claim can be short
                return Attribution(start, end, speaker, quoted=True)
            return Attribution(whole.start, whole.end, speaker, quoted=True)  # too short to stand alone
    m = _FRAME_BACK.search(sentence)
    if m is not None and m.group("sp2") and m.group("sp2")[0].islower() and m.group("quote") is None:
        m = None  # "said the …" names a speaker only after a quotation: "X, said the clinic was closed" does not
    # "The bill is “dead on arrival,” Smith said.": the comma sits inside the quotation, which the claim keeps
    claim_end = 0 if m is None else m.end("quote") if m.group("quote") else m.start()
    # the quotation may have opened in an earlier sentence: '… It's got both parts," she said.'
    balanced = m is not None and (
        quotes_balanced(sentence[:claim_end])
        or (m.group("quote") is not None and quotes_balanced(sentence[: m.start("quote")]))
    )
    if m and balanced and len((m.group("sp1") or m.group("sp2")).split()) <= 6 and not _PASSIVE.search(m.group()):
        start, end = _trim(sentence, 0, claim_end)
        if len(sentence[start:end].split()) >= min_words:
            inner = _inner(sentence[start:end], min_words, depth)  # "X said Y, KMOV reported": X speaks
            if inner.speaker is not None:
                return _shifted(inner, start)
            return Attribution(start, end, (m.group("sp1") or m.group("sp2")).strip())
    m = _IMPERSONAL_BACK.search(sentence)
    if m and quotes_balanced(sentence[: m.start()]):
        start, end = _trim(sentence, 0, m.start())
        if len(sentence[start:end].split()) >= min_words:
            inner = _inner(sentence[start:end], min_words, depth)  # "X have claimed Y, it has been reported": X speaks
            return _shifted(inner, start) if inner.speaker is not None else Attribution(start, end, None)
    m = _ACCORDING_FRONT.match(sentence)
    if m:
        start, end = _trim(sentence, m.end(), len(sentence))
        if len(sentence[start:end].split()) >= min_words:
            # "According to The Mirror, a hospital spokesman said: …": the spokesman speaks; "Per X: “Y said …”":
            # the report is read inside its quotation marks
            at = start if _wholly_quoted(sentence[m.end() :]) else m.end()
            inner = _inner(sentence[at:end], min_words, depth)
            if inner.speaker is not None:
                return _shifted(inner, at)
            return Attribution(start, end, (m.group("speaker") or m.group("name") or m.group("per")).strip())
    m = _ACCORDING_BACK.search(sentence)
    if m:
        start, end = _trim(sentence, 0, m.start())
        if len(sentence[start:end].split()) >= min_words:
            return Attribution(start, end, m.group("speaker").strip())
    for m in _SPEAKER_FIRST.finditer(sentence):
        prefix = sentence[: m.start()]
        if not quotes_balanced(prefix) or len(prefix.split()) > 25:
            continue
        speaker = _speaker_from_prefix(prefix)
        if speaker is None:
            continue
        start, end = _trim(sentence, m.end(), len(sentence))
        bare = not re.search(r"(?:\bthat|:)\s*$", m.group())
        if bare and _NOT_A_CLAIM_START.match(sentence[start:end]):
            continue
        if _ordinary_sense(m.group(), sentence[start:end], bare):
            continue
        if len(sentence[start:end].split()) >= min_words:
            # a report inside a report: "CNBC reported that the source noted X" → the source speaks X
            inner = _inner(sentence[start:end], min_words, depth)
            if inner.speaker is not None and not inner.quoted:
                return _shifted(inner, start)
            return Attribution(start, end, speaker)
        break
    return whole


def _odd_straight_quote_opens(sentence: str) -> bool | None:
    """With an odd number of straight quote marks, whether the last one opens a quotation (after a space or at
    the start: `said: "The first …`) or closes one (`… again," he said.`); None with an even number."""
    if sentence.count('"') % 2 == 0:
        return None
    at = sentence.rindex('"')
    return at == 0 or sentence[at - 1].isspace() or sentence[at - 1] in "(“:"


def opens_quote(sentence: str) -> bool:
    """The sentence leaves a quotation open (it continues in the next sentence)."""
    return sentence.count("“") > sentence.count("”") or _odd_straight_quote_opens(sentence.strip()) is True


def closes_quote(sentence: str) -> bool:
    return sentence.count("”") > sentence.count("“") or _odd_straight_quote_opens(sentence.strip()) is False
