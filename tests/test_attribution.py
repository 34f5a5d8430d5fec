from __future__ import annotations

import pytest

from contradict.pipeline.attribution import attribute, looks_like_clause
from contradict.pipeline.segment import Segmenter
from contradict.types import Document

from .conftest import EXAMPLE


@pytest.mark.parametrize(
    ("sentence", "claim", "speaker"),
    [
        (
            "Carter said the airstrikes would not create problems for the U.S.-led bombing raids.",
            "the airstrikes would not create problems for the U.S.-led bombing raids.",
            "Carter",
        ),
        (
            "Maj. Gen. Igor Koneshenkov, a Russian Defense Ministry spokesman, said his country’s first raids "
            "in Syria were aimed at Islamic State militants.",
            "his country’s first raids in Syria were aimed at Islamic State militants.",
            "Maj. Gen. Igor Koneshenkov",
        ),
        (
            "“Today Russian aircraft carried out precise strikes against eight targets,” he said.",
            "Today Russian aircraft carried out precise strikes against eight targets",
            "he",
        ),
        (
            "“Weakness is provocative and dangerous,” railed Rep. Trent Franks, an Arizona Republican.",
            "Weakness is provocative and dangerous",
            "Rep. Trent Franks",
        ),
        (
            "Defense Secretary Ash Carter told reporters Wednesday that Russian airstrikes may have hit no militants.",
            "Russian airstrikes may have hit no militants.",
            "Defense Secretary Ash Carter",
        ),
        ("According to police, the suspect fled in a red car.", "the suspect fled in a red car.", "police"),
        # a colon before the quotation, and an age after the name
        ("The minister said: “The budget will balance by 2027.”", "The budget will balance by 2027.", "The minister"),
        ("Jane Doe, 41, said: “We lost everything in the flood.”", "We lost everything in the flood.", "Jane Doe"),
        # the innermost speaker of a report inside a report; a description as speaker
        (
            "According to the Courier, a fire service spokesman said: “The blaze started in the kitchen.”",
            "The blaze started in the kitchen.",
            "a fire service spokesman",
        ),
        (
            "According to the Courier, the blaze started in the kitchen.",
            "the blaze started in the kitchen.",
            "the Courier",
        ),
        # plural "say"; a listener of several words
        ("Officials say the bridge will reopen in May.", "the bridge will reopen in May.", "Officials"),
        ("Two sources told BuzzFeed News that the sale had stalled.", "the sale had stalled.", "Two sources"),
        ("Needless to say, the bridge will reopen in May.", "Needless to say, the bridge will reopen in May.", None),
        ("As they say, the proof is in the pudding.", "As they say, the proof is in the pudding.", None),
        (
            "Psaki would not say whether it was an act of war.",
            "Psaki would not say whether it was an act of war.",
            None,
        ),
        (
            "They are clear about what they say, and it shows.",
            "They are clear about what they say, and it shows.",
            None,
        ),
        (
            "The mayor went home and said the trip was long and tiring.",
            "The mayor went home and said the trip was long and tiring.",
            None,
        ),
        (
            "The forecast is in keeping with recent reports that predict rain.",
            "The forecast is in keeping with recent reports that predict rain.",
            None,
        ),
        # a longer description joined by a preposition can speak; an impersonal frame has no speaker
        (
            "An official with the State Department said the talks would resume.",
            "the talks would resume.",
            "An official with the State Department",
        ),
        ("The group wants to sell the remains, it has been claimed.", "The group wants to sell the remains", None),
        # a description that gives the speaker's name; a picture credit glued to a quotation
        (
            "The therapist, who calls herself Jane Roe, said the clinic was closed.",
            "the clinic was closed.",
            "Jane Roe",
        ),
        ("Photo: Getty“The plan failed completely,” she said.", "The plan failed completely", "she"),
        # a dateline before the speaker; a relative clause in an "according to" frame; a dash-set relative clause
        (
            "(Reuters) - Britain said on Saturday it was investigating the reports.",
            "it was investigating the reports.",
            "Britain",
        ),
        (
            "According to the Courier, which cited a nurse, the patient was moved to another hospital.",
            "the patient was moved to another hospital.",
            "the Courier",
        ),
        (
            "The famously impassable passage – which claimed the lives of many explorers – is now open.",
            "The famously impassable passage – which claimed the lives of many explorers – is now open.",
            None,
        ),
        # present-tense reporting verbs take "that" like their past forms
        (
            "The Guardian reports that the minister resigned on Monday.",
            "the minister resigned on Monday.",
            "The Guardian",
        ),
        ("The ministry denies that any civilians were hit.", "any civilians were hit.", "The ministry"),
        ("Smith warns that the talks will fail.", "the talks will fail.", "Smith"),
        ("The suspect fled in a red car, according to police.", "The suspect fled in a red car", "police"),
        ("The comic went into cardiac arrest, CNN reported Tuesday.", "The comic went into cardiac arrest", "CNN"),
        ("One of the cops fired a bean bag round, police said.", "One of the cops fired a bean bag round", "police"),
        (
            "Conner said police confronted the couple at a gas station, KMOV reported.",
            "police confronted the couple at a gas station",
            "Conner",
        ),
        ("“Weakness is provocative,” railed Rep. Trent Franks.", "Weakness is provocative", "Rep. Trent Franks"),
        (  # a closing quote mark that matches one inside the claim stays with it
            "It said the raids had hit command posts in what it described as “surgical strikes.”",
            "the raids had hit command posts in what it described as “surgical strikes.”",
            "It",
        ),
        (
            'Carter said the raids were "unprofessional," and left.',
            'the raids were "unprofessional," and left.',
            "Carter",
        ),
        (
            'He said the strikes hit "terrorist" targets."',
            'the strikes hit "terrorist" targets.',
            "He",
        ),
        (  # American punctuation: the frame's comma inside the closing quote
            "The bill is “dead on arrival,” Smith said.",
            "The bill is “dead on arrival,”",
            "Smith",
        ),
        ('The bill is "dead on arrival," a senator said.', 'The bill is "dead on arrival,"', "a senator"),
        (
            "But the Pentagon chief warned Moscow against viewing the cooperation as appeasement.",
            "But the Pentagon chief warned Moscow against viewing the cooperation as appeasement.",
            None,
        ),
        (
            "The chief warns Moscow against viewing the cooperation as appeasement.",
            "The chief warns Moscow against viewing the cooperation as appeasement.",
            None,
        ),
        (
            "The government that America says must go has killed many.",
            "The government that America says must go has killed many.",
            None,
        ),
        # an adverb before the verb is neither speaker nor claim
        ("Carter also said the strikes were wrong.", "the strikes were wrong.", "Carter"),
        ("Police later said the man fled the scene.", "the man fled the scene.", "Police"),
        (
            "The raids hit depots and bridges, the ministry also said.",
            "The raids hit depots and bridges",
            "the ministry",
        ),
        ("“We hit depots and bridges,” Carter also said.", "We hit depots and bridges", "Carter"),
        ("“We hit depots and bridges,” police also said.", "We hit depots and bridges", "police"),
        # where or to whom, between the verb and "that"
        (
            "The agency, Harbor Watch, announced on Twitter that the ferry had sunk.",
            "the ferry had sunk.",
            "Harbor Watch",
        ),
        ("The mayor said in a statement that the road would reopen.", "the road would reopen.", "The mayor"),
        # a bare reporting verb followed by a preposition frames nothing; "about" before a number does
        (
            "Lee, 31, wrote about the war in Yemen for two newspapers.",
            "Lee, 31, wrote about the war in Yemen for two newspapers.",
            None,
        ),
        ("Smith said to the crowd that the vote was rigged.", "the vote was rigged.", "Smith"),
        ("He said about 20 sorties were flown that day.", "about 20 sorties were flown that day.", "He"),
        ("They said that for a fee the group would release him.", "for a fee the group would release him.", "They"),
        # "according to" a name without a comma, "Per X:" around a quoted report, "said the …" after a quotation
        (
            "According to The Daily Courier the mill will close in May.",
            "the mill will close in May.",
            "The Daily Courier",
        ),
        (
            "Per Harbor News: “The mayor said on Monday that the mill will close in May.”",
            "the mill will close in May.",
            "The mayor",
        ),
        (
            "The mill will close in May and the jobs will go,” said the union report.",
            "The mill will close in May and the jobs will go",
            "the union report",
        ),
        # a report inside a report: the innermost speaker
        (
            "The Courier reported that the source noted it could be a week before the deal.",
            "it could be a week before the deal.",
            "the source",
        ),
        # a fronted phrase before the speaker is no part of it; a description may start with "some"
        (
            "In a statement to the BBC, a ministry spokeswoman said the plan was dead.",
            "the plan was dead.",
            "a ministry spokeswoman",
        ),
        (
            "However, some analysts have said they doubt the size of the cuts.",
            "they doubt the size of the cuts.",
            "some analysts",
        ),
    ],
)
def test_attribution_frames(sentence: str, claim: str, speaker: str | None) -> None:
    att = attribute(sentence)
    assert sentence[att.start : att.end] == claim
    assert att.speaker == speaker


def test_example_story_speakers_and_spans() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    claims = Segmenter().run([Document("story", text)]).claims
    for c in claims:
        assert text[c.start : c.end] == c.text

    def speaker(prefix: str) -> str | None:
        (match,) = [c for c in claims if c.text.startswith(prefix)]
        return match.speaker

    assert speaker("Today Russian aircraft carried out") == "Maj. Gen. Igor Koneshenkov"  # "he said"
    assert speaker("About 20 sorties were flown.") == "Maj. Gen. Igor Koneshenkov"  # the quotation goes on
    assert speaker("there were no Islamic State combatants") == "Syrian opposition fighters"
    assert speaker("I think my problem is that") == "Carter"  # a quotation over several sentences
    assert speaker("the raids had hit Islamic State command posts") == "the Defense Ministry"  # "It said"


def test_attribution_can_be_switched_off() -> None:
    text = "Carter said the airstrikes would not create problems."
    (claim,) = Segmenter(attribution=False).run([Document("d", text)]).claims
    assert (claim.text, claim.speaker) == (text, None)


def test_he_and_she_resolve_to_people_not_outlets() -> None:
    text = (
        "Dornella Conner said police confronted the couple at the station.\n"
        "The police fired at the car, according to KMOV.\n"
        "“I am blind in my left eye now,” she wrote on Facebook."
    )
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.speaker for c in claims] == ["Dornella Conner", "KMOV", "Dornella Conner"]


def test_it_said_resolves_to_the_organisation_named_just_before() -> None:
    text = (
        "It said the talks would resume in the spring.\n"  # no organisation named before: "It" stays
        "Responding to the Senate’s vote, the Finance Ministry published new figures on Tuesday. "
        "It said the deficit had fallen to four percent. "
        "It said the plan would be ready by June.\n"  # goes on with the ministry
        "Officials met on Monday to review the budget for next year. "
        "It said the meeting went well."  # no organisation in the sentence before
    )
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.speaker for c in claims] == [
        "It",
        None,
        "the Finance Ministry",
        "the Finance Ministry",
        None,
        "It",
    ]


@pytest.mark.parametrize(
    ("sentence", "claims"),
    [
        (
            "“There is no threat to the public,” the spokesperson said Monday, adding that the men were vetted.",
            ["There is no threat to the public", "the men were vetted."],
        ),
        (
            "Carter said the strikes were wrong, adding that talks would go on.",
            ["the strikes were wrong", "talks would go on."],
        ),
        (
            "The airline stated that it is unsure how the snake got aboard but acknowledged that the flight began "
            "in Mexico.",
            ["it is unsure how the snake got aboard", "the flight began in Mexico."],
        ),
        (
            "The mayor said the roads were closed, adding to the confusion.",
            ["the roads were closed, adding to the confusion."],
        ),
    ],
)
def test_a_second_report_after_adding_that_is_a_claim_of_the_same_speaker(sentence: str, claims: list[str]) -> None:
    result = Segmenter().run([Document("d", sentence)]).claims
    assert [c.text for c in result] == claims
    assert len({c.speaker for c in result}) == 1 and result[0].speaker is not None


def test_typewriter_quotes_repeated_quotations_and_a_role_before_a_name() -> None:
    text = (
        "The airline said the flight was delayed by an hour at the gate.\n"
        "Oregon coach Wayne Tinkle said a woman near him was stung by a scorpion. "
        '"The woman was a real champ," he said.\n\n'
        "\"The plane was coming from Mexico before us,'' Tinkle said. \"The woman was a real champ. "
        'They got it off her quickly."'
    )
    result = Segmenter().run([Document("d", text)])
    speakers = {c.text: c.speaker for c in result.claims}
    assert speakers["The woman was a real champ"] == "Oregon coach Wayne Tinkle"  # not the airline
    assert speakers["The plane was coming from Mexico before us"] == "Tinkle"  # '' closes the quotation
    assert speakers["They got it off her quickly."] == "Tinkle"
    assert [(s.text, s.reason) for s in result.skipped] == [("The woman was a real champ.", "duplicate")]


def test_a_paragraph_without_a_quote_mark_ends_an_unclosed_quotation() -> None:
    text = (
        "She said: “If anyone had asked us, they would know the figures are wrong.\n\n"
        "“This equates to several thousand people, a fraction of the report.\n\n"
        "The company was founded in 1911 and adopted its name in 1924."
    )
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.speaker for c in claims] == ["She", "She", None]


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Wayne Tinkle", True),
        ("Tesla spokeswoman Alexis Georgeson", True),  # a role before a name
        ("Secretary of State John Kerry", True),
        ("leaders of the Islamic State", False),  # an organisation after the role, not a name
        ("Alaska Airlines", False),
        ("Massachusetts National Guard", False),
        ("KMOV", False),
        ("The Mirror", False),
    ],
)
def test_looks_like_person(name: str, person: bool) -> None:
    from contradict.pipeline.speakers import _looks_like_person

    assert _looks_like_person(name) is person


def test_pronouns_resolve_to_descriptions_that_spoke() -> None:
    text = (
        "One of the three men seeking to act as go-betweens - a former rebel fighter - said he was approached "
        "by a commander.\n"
        "“They ask for a million dollars,” he said.\n"
        "Villagers in the valley said the water had risen overnight. "
        "They said that the bridge was closed.\n"
        "A hospital spokesman said the woman was treated for cuts to her arms. "
        "She said the attack came without warning."  # a spokesman is no "she": left as written
    )
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.speaker for c in claims] == [
        "a former rebel fighter",  # the head is too long to be a speaker: its description speaks
        "a former rebel fighter",
        "Villagers in the valley",
        "Villagers in the valley",
        "A hospital spokesman",
        "She",
    ]


@pytest.mark.parametrize(
    ("pronoun", "speaker", "fits"),
    [
        ("he", "a hospital spokesman", True),
        ("she", "a hospital spokesman", False),
        ("he", "the boy’s mother", False),
        ("she", "Carter", True),  # a name says nothing of gender here
        ("she", "a German official", True),
    ],
)
def test_gender_of_descriptions(pronoun: str, speaker: str, fits: bool) -> None:
    from contradict.pipeline.speakers import _gender_fits

    assert _gender_fits(pronoun, speaker) is fits


def test_it_said_after_an_organisation_that_spoke() -> None:
    text = (
        "The monitoring group, Harbor Watch, announced on Twitter that the ferry had sunk near the coast. "
        "It said that the crew had been rescued by fishermen.\n"
        "Dornella Conner said police confronted the couple at the station. "
        "It said the car had been moved."  # a person spoke: "It" is something else, left as written
    )
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.speaker for c in claims] == ["Harbor Watch", "Harbor Watch", "Dornella Conner", "It"]


def test_he_said_after_a_person_named_in_apposition() -> None:
    text = (
        "“We were trying to leave,” Conner told KMOV.\n"
        "Conner’s father, Donnell, also called for an inquiry into the arrest.\n"
        "“There was no reason to fire on an innocent person sitting in a car,” he told the station."
    )
    claims = Segmenter().run([Document("d", text)]).claims
    speakers = {c.text: c.speaker for c in claims}
    assert speakers["There was no reason to fire on an innocent person sitting in a car"] == "Donnell"
    assert speakers["Conner’s father, Donnell, also called for an inquiry into the arrest."] is None
    assert speakers["We were trying to leave"] == "Conner"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Conner’s father, Donnell, also called for an inquiry.", "Donnell"),
        ("Her lawyer, Ann Lee, told reporters nothing.", "Ann Lee"),
        ("The city’s mayor, Ann Lee, spoke on Monday.", "Ann Lee"),
        ("The city’s mayor, a former judge, spoke on Monday.", None),  # a description, not a name
        ("His lawyer, KMOV, reported it.", None),  # an acronym is not a person
        ("Officials met, Donnell, and left.", None),  # no "<someone>’s <relation>" before the name
        ("Last week, the boy’s mother, Ann Lee, pleaded for his release.", "Ann Lee"),  # a fronted time phrase
        ("In the city of Homs, the rebels, many of them, fought on.", None),
    ],
)
def test_appositive_subject(sentence: str, name: str | None) -> None:
    from contradict.pipeline.speakers import _appositive_subject

    assert _appositive_subject(sentence) == name


def test_a_quotation_over_paragraphs_that_each_reopen_it_keeps_its_speaker_and_ends() -> None:
    text = (
        "The harbour master said: “The storm broke two of the moorings overnight.\n\n"
        "“Three boats drifted into the channel before dawn.\n\n"
        "“Nobody on board was hurt.”\n\n"
        "The harbour reopened on Friday afternoon.\n\n"
        "A coastguard officer said: “We towed the boats back within the hour.”\n\n"
        "Repairs to the moorings will take a month."
    )
    claims = Segmenter().run([Document("d", text)]).claims
    assert [c.speaker for c in claims] == [
        "The harbour master",
        "The harbour master",
        "The harbour master",
        None,  # the quotation closed with “Nobody on board was hurt.”
        "A coastguard officer",
        None,
    ]
    # a paragraph too short to be a claim still closes the quotation
    short = text.replace("“Nobody on board was hurt.”", "“Nobody was hurt.”")
    assert [c.speaker for c in Segmenter().run([Document("d", short)]).claims][2:] == [
        None,
        "A coastguard officer",
        None,
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # straight quotes opened mid-sentence carry over paragraphs; "The Courier" is a title, not "she"
            'A fire service spokesman said: "The blaze started in the kitchen of the flat.\n\n'
            '"Crews had it under control within an hour, and then we checked the building next door."\n\n'
            "The Courier reported that the family was away at the time.\n\n"
            'She said: "We are just glad that nobody was at home."',
            [
                ("The blaze started in the kitchen of the flat.", "A fire service spokesman"),
                ("Crews had it under control within an hour", "A fire service spokesman"),
                ("then we checked the building next door.", "A fire service spokesman"),  # after ", and then"
                ("the family was away at the time.", "The Courier"),
                ("We are just glad that nobody was at home.", "She"),
            ],
        ),
        (  # a quotation whose speaker comes at its end gives it to its earlier sentences
            '"The bridge is safe for cars. We checked every cable last week," the engineer said. '
            '"It will reopen on Monday morning."\n'
            "The council had closed it in May after a storm.",
            [
                ("The bridge is safe for cars.", "the engineer"),
                ("We checked every cable last week", "the engineer"),
                ("It will reopen on Monday morning.", "the engineer"),
                ("The council had closed it in May after a storm.", None),
            ],
        ),
    ],
)
def test_speakers_follow_quotations_across_sentences(text: str, expected: list[tuple[str, str | None]]) -> None:
    claims = Segmenter().run([Document("d", text)]).claims
    assert [(c.text, c.speaker) for c in claims] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # the example: "added" with an object, not a clause
        "Detours had added about 15 minutes to most trips.",
        # from the FNC-1 train bodies (more in tests/fixtures/gold/false-frames.txt)
        'Apple added a "recently deleted" folder to Photos in iOS 8, but hasn\'t yet implemented a similar option.',
        "Godane claimed responsibility for the attack last year on the Westgate shopping mall in Nairobi.",
        "The Ebola virus epidemic has claimed thousands of lives in the West African countries of Sierra Leone.",
        "The detentions added to the mystery that continues to surround al-Baghdadi.",
        "Chandler wrote her Facebook post on November 13th, weeks before the story broke.",
        "She also wrote letters and placed calls to members of Congress to push for a change in US policy.",
        "He told Radio 6PR about the experience.",
        # a verb used as an adjective, or in a relative clause with a speaker of its own
        "The stated purpose of the bombing has moved from the rescue of civilians to air cover.",
        "The second difference I noted was when I started tapping the back of both phones.",
        "India's labour laws, which the World Bank says are the most restrictive anywhere, make it hard to sack staff.",
        "The virus, which has claimed thousands of lives in West Africa, is believed to have come from abroad.",
    ],
)
def test_a_reporting_verb_in_its_ordinary_sense_is_no_frame(sentence: str) -> None:
    att = attribute(sentence)
    assert att.speaker is None
    assert (att.start, att.end) == (0, len(sentence))


@pytest.mark.parametrize(
    ("sentence", "claim", "speaker"),
    [
        # the same verbs introducing a clause stay frames
        (
            "The source added Kim had surgery at the clinic in September.",
            "Kim had surgery at the clinic in September.",
            "The source",
        ),
        (
            "He added he has now developed a passion for the markets.",
            "he has now developed a passion for the markets.",
            "He",
        ),
        (
            "Royster stated the word naturally insinuates a hierarchy among students.",
            "the word naturally insinuates a hierarchy among students.",
            "Royster",
        ),
        (
            "Bedeh claimed the truce, which was widely welcomed, would lay the groundwork.",
            "the truce, which was widely welcomed, would lay the groundwork.",
            "Bedeh",
        ),
        (
            "Gertz’s report noted the planes themselves become weapons.",
            "the planes themselves become weapons.",
            "Gertz’s report",
        ),
        (
            "But the ministry stated bluntly Tuesday, “There is no wife named Saja.”",
            "bluntly Tuesday, “There is no wife named Saja.”",
            "the ministry",
        ),
        # a listener of several words before "that"; the relative pronoun as the speaking subject
        (
            "Lucy Somers told the Associated Press that FBI agents had informed her.",
            "FBI agents had informed her.",
            "Lucy Somers",
        ),
        (
            "The Borno Elders Forum, which last month warned that the group was preparing an attack, met on Sunday.",
            "the group was preparing an attack, met on Sunday.",
            "The Borno Elders Forum",
        ),
    ],
)
def test_the_same_verbs_before_a_clause_stay_frames(sentence: str, claim: str, speaker: str) -> None:
    att = attribute(sentence)
    assert (sentence[att.start : att.end], att.speaker) == (claim, speaker)


def test_an_impersonal_back_frame_keeps_the_report_inside() -> None:
    sentence = "Islamic State militants have claimed an American aid worker was killed in a raid, it has been reported."
    att = attribute(sentence)
    assert att.speaker == "Islamic State militants"
    assert sentence[att.start : att.end] == "an American aid worker was killed in a raid"
    passive = "The claims, which the Observatory said were based on reports, couldn’t be independently confirmed."
    assert attribute(passive).speaker is None  # "couldn’t be independently" is no speaker


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("the raids hit no militants", True),
        ("he believes Woods was faking", True),
        ("it’s essential that the talks go on", True),
        ("his art studio in the capital had been raided", True),
        ("a new twist, reporting that Kim was ill", False),
        ("about 15 minutes to most trips", False),
        ("posts questioning why ESPN would only let men take part", False),
        ("the others who came to their aid", False),
        ("was when I started tapping", False),
    ],
)
def test_looks_like_clause(text: str, clause: bool) -> None:
    assert looks_like_clause(text) is clause
