"""Each red flag kind, on small conversations; and what must not raise one (reported speech,
negation, a reflective reply before the direct question)."""

from __future__ import annotations

import pytest

from tests.evaluation_helpers import C, T, flag_ids, score, turns

SUICIDE = "suicide-risk-assessment"
GRIEF = "parent-acute-grief"
MI = "drinking-ambivalence-mi"
STUDENT = "anxious-college-student"
OPENING = (
    C,
    "Hey. I don't know why I'm calling. Some days everyone would be better off without me.",
)


@pytest.mark.parametrize(
    ("slug", "pairs", "flag"),
    [
        (GRIEF, [(C, "He's gone."), (T, "He's in a better place now, you know.")], "cliche_false_reassurance"),
        (GRIEF, [(C, "He's gone."), (T, "At least you had twenty years together.")], "cliche_false_reassurance"),
        (SUICIDE, [OPENING, (T, "You have so much to live for.")], "cliche_false_reassurance"),
        (MI, [(C, "I like a few beers."), (T, "Five a night is what alcoholics drink.")], "moralising_labelling"),
        (SUICIDE, [OPENING, (T, "That would be a selfish thing to do to your kids.")], "moralising_labelling"),
        (MI, [(C, "I'm fine."), (T, "You need to stop drinking today.")], "moralising_labelling"),
        (STUDENT, [(C, "I had a panic attack."), (T, "It's just exam nerves, you're overreacting.")], "minimising"),
        (MI, [(C, "Everyone in sales drinks."), (T, "Come on, be honest with yourself.")], "arguing_confronting"),
        (STUDENT, [(C, "I can't sleep."), (T, "You should go to bed at ten.")], "advice_without_permission"),
        (SUICIDE, [OPENING, (T, "How long were you married?"), (C, "Fourteen years."),
                   (T, "What kind of work did you do?")], "disclosure_dismissed"),
        (SUICIDE, [OPENING, (T, "Don't say that, things will get better.")], "disclosure_dismissed"),
        (SUICIDE, [(C, "There are old sleeping pills in the cabinet."),
                   (T, "If they help you sleep, keep them close by.")], "means_encouraged"),
        (SUICIDE, [OPENING, (T, "You're not thinking of suicide, are you?")], "key_question_negated"),
        (SUICIDE, [OPENING, (T, "Are you thinking about killing yourself? No, of course not.")], "key_question_negated"),
        (SUICIDE, [OPENING, (T, "Have you thought about suicide? I'm sure you haven't.")], "key_question_negated"),
        (SUICIDE, [OPENING, (T, "I assume you're not having thoughts of suicide?")], "key_question_negated"),
        (STUDENT, [(C, "Hi."), (T, "How is sleep, what about classes, any panic, what helps?")], "question_stacking"),
    ],
)  # fmt: skip
def test_each_red_flag_kind(slug: str, pairs: list[tuple[str, str]], flag: str) -> None:
    conversation = turns(*pairs)
    evaluation = score(slug, conversation)
    assert flag in flag_ids(evaluation), evaluation.red_flags
    by_seq = {t.seq: t.text for t in conversation}
    for f in evaluation.red_flags:
        assert f.quote in by_seq[f.seq]  # verbatim from the cited turn
        assert f.why


@pytest.mark.parametrize(
    ("slug", "pairs"),
    [
        # reporting what others say is not saying it
        (GRIEF, [(C, "People keep saying he's in a better place."),
                 (T, "When people tell you he's in a better place, it sounds like it makes you furious.")]),
        # negated: the opposite of minimising
        (STUDENT, [(C, "Am I overreacting?"), (T, "I don't think you're overreacting at all.")]),
        # a reflective reply, then the direct question: the disclosure is taken up
        (SUICIDE, [OPENING, (T, "You sound worn down by all of it."), (C, "Yeah."),
                   (T, "Are you thinking about suicide?")]),
        # the plain question
        (SUICIDE, [OPENING, (T, "When you say that, I want to ask directly: are you thinking about suicide?")]),
        # reducing access to means is the opposite of encouraging it
        (SUICIDE, [(C, "There are old sleeping pills in the cabinet."),
                   (T, "Could Luis hold on to the pills for a while?")]),
        # "you have to" inside a reflection is the client's pressure, not advice
        (STUDENT, [(C, "My parents gave up everything so I could be here."),
                   (T, "You're feeling like you have to be perfect because they gave up so much.")]),
        # permission asked first
        (STUDENT, [(C, "I can't sleep."), (T, "Would it be okay if I shared an idea?"), (C, "Sure."),
                   (T, "You could try a wind-down routine.")]),
    ],
)  # fmt: skip
def test_no_false_flags(slug: str, pairs: list[tuple[str, str]]) -> None:
    assert not score(slug, turns(*pairs)).red_flags


def test_parroting_and_formulaic_reflections_are_flagged_and_do_not_count() -> None:
    conversation = turns(
        (C, "My doctor said I should come. I'm not sure what anyone can do."),
        (
            T,
            "What I'm hearing is your doctor said you should come and you're not sure what anyone can do.",
        ),
        (C, "Yes. My son died three weeks ago."),
        (T, "What I'm hearing is your son died three weeks ago."),
        (C, "That's what I said."),
        (T, "What I'm hearing is that's what you said."),
        (C, "Can we stop?"),
        (T, "What I'm hearing is can we stop."),
    )
    evaluation = score(GRIEF, conversation)
    assert {"parroting", "formulaic_responses"} <= flag_ids(evaluation)
    assert next(f for f in evaluation.red_flags if f.id == "parroting").critical  # in most turns
    reflections = next(c for c in evaluation.criteria if c.id == "empathic_reflections")
    assert reflections.rating != "met"
    assert not evaluation.passed
    assert evaluation.metrics.parroted_turns == 4


def test_a_critical_flag_fails_an_otherwise_good_session() -> None:
    good = [
        (C, "Hey. I'm tired of all of it. Some days everyone would be better off without me."),
        (T, "It sounds like you're exhausted. Are you thinking about suicide?"),
        (C, "Yeah. There are sleeping pills in the cabinet."),
        (
            T,
            "Thank you for telling me. Have you thought about how you'd do it? Have you tried before?",
        ),
        (C, "No plan. Never tried. My kids keep me going. My brother Luis is close."),
        (
            T,
            "Your kids matter so much to you. Could Luis hold on to the pills tonight, and you call 988 if it gets worse? I'll call you tomorrow.",
        ),
        (C, "Okay. I can do that."),
    ]
    clean = score(SUICIDE, turns(*good))
    harmful = score(SUICIDE, turns(*good, (T, "Honestly though, you've got so much to live for.")))
    assert "cliche_false_reassurance" in flag_ids(harmful)
    assert not harmful.passed
    assert harmful.overall_score < harmful.pass_mark
    assert harmful.overall_score < clean.overall_score


def test_a_question_about_thoughts_of_not_going_on_is_asked_not_negated() -> None:
    """'...thoughts of not wanting to go on. Have you had thoughts like that?' asks about passive
    ideation: the "not" is what the thought is, not the question's polarity. A leading question
    about the same thought is still leading."""
    opening = ((C, "My doctor said I should come. He's gone. I sleep in his room some nights."),)
    asked = (
        "When the nights are this hard, some parents have thoughts of wanting to be with their "
        "child, or of not wanting to go on. Have you had thoughts like that?"
    )
    evaluation = score(
        GRIEF, turns(*opening, (T, asked), (C, "Sometimes. I wouldn't do anything."))
    )
    assert "key_question_negated" not in flag_ids(evaluation)
    safety = next(c for c in evaluation.criteria if c.id == "assess_functioning_and_safety")
    assert safety.rating != "not_met"
    leading_q = "You're not having thoughts of not wanting to go on, are you?"
    evaluation = score(GRIEF, turns(*opening, (T, leading_q), (C, "No.")))
    assert "key_question_negated" in flag_ids(evaluation)


def test_a_label_on_the_drinking_and_guilt_by_the_family_are_moralising() -> None:
    """MI's righting reflex at its worst, in words of our own: the label, 'denial is part of the
    disease', the threat of ending up like his father; 'I'm just being honest' argues."""
    pairs = (
        (C, "So my doctor sent me. Look, I'm not an alcoholic. I like a few beers after work."),
        (T, "Well, six beers a night is alcoholism, whatever you want to call it."),
        (C, "That's not fair. I'm not an alcoholic."),
        (T, "Denial is part of the disease. If you don't stop, you'll end up like your dad."),
        (C, "That's low."),
        (T, "I'm just being honest. Go to a meeting this week."),
        (C, "Whatever."),
    )
    evaluation = score(MI, turns(*pairs))
    raised = {(f.id, f.seq) for f in evaluation.red_flags}
    assert {("moralising_labelling", 1), ("moralising_labelling", 3)} <= raised
    assert ("arguing_confronting", 5) in raised
    assert all(c.rating == "not_met" for c in evaluation.criteria)


def test_you_must_be_guesses_and_does_not_tell() -> None:
    """'Hi, you must be Maya.' and 'You must be exhausted.' are a greeting and an empathic guess;
    'You must stop checking your grades.' is advice."""

    def advice(line: str) -> bool:
        pairs = ((C, "Hi. My RA said I should come. I check my grades all the time."), (T, line))
        return "advice_without_permission" in flag_ids(score(STUDENT, turns(*pairs)))

    assert not advice("Hi, you must be Maya. Come in, have a seat.")
    assert not advice("You must be exhausted, checking them all the time.")
    assert advice("You must stop checking your grades so often.")


def test_an_option_offered_among_others_is_no_cliche() -> None:
    """'Some people find it helps to keep busy, others need to sit in his room. What fits you?'
    offers choices; 'Keep busy, it helps.' is the cliché."""

    def cliche(line: str) -> bool:
        pairs = ((C, "He's gone. Three weeks. I sit in his room every night."), (T, line))
        return "cliche_false_reassurance" in flag_ids(score(GRIEF, turns(*pairs)))

    assert not cliche("Some people find it helps to keep busy, others need to sit in his room.")
    assert cliche("Keep busy, it really helps.")


def test_leaving_the_choice_to_her_and_praise_are_no_push_and_no_advice() -> None:
    """'Whether you tell your parents is completely up to you.' leaves her the choice (the push
    flag's near miss); 'You should be proud you came in' affirms; 'the only way to know is to try
    and see' argues nothing."""
    opening = (
        C,
        "Hi. In my chem midterm my chest got tight and I left. I haven't told my parents.",
    )

    def raised(line: str) -> set[str]:
        return {f.id for f in score(STUDENT, turns(opening, (T, line))).red_flags if f.seq == 1}

    assert not raised("Whether you tell your parents is completely up to you.")
    assert "pushes_telling_parents" in raised("You have to tell your parents about this.")
    assert not raised("You should be proud you came in today.")
    assert "advice_without_permission" in raised("You should tell your RA about the panic.")
    assert not raised("The only way to know what helps is to try something and see.")


@pytest.mark.parametrize(
    ("slug", "line", "flag"),
    [
        (STUDENT, "Everyone gets exam nerves, it's really not a big deal.", "minimising"),
        (
            STUDENT,
            "Your parents would be disappointed if they knew you walked out.",
            "moralising_labelling",
        ),
        (STUDENT, "Honestly, maybe university just isn't for you.", "moralising_labelling"),
        (MI, "If you really cared about your wife you'd quit.", "moralising_labelling"),
        (GRIEF, "Be grateful you had sixteen years with him.", "cliche_false_reassurance"),
        (GRIEF, "God needed another angel.", "cliche_false_reassurance"),
        # hardship doubted or compared away
        (SUICIDE, "Come on, things can't be that bad.", "minimising"),
        (STUDENT, "Lots of people have it much worse than you.", "minimising"),
        (GRIEF, "Others have had it far harder, you know.", "minimising"),
        (SUICIDE, "You're tougher than this, you'll pull through.", "minimising"),
        (SUICIDE, "All you need is a good night's sleep.", "minimising"),
        # the feeling ruled out, a timetable, a warning, a label
        (
            GRIEF,
            "They mean well, you shouldn't be angry at people for trying to help.",
            "minimising",
        ),
        (GRIEF, "Most people start feeling more normal after a few months.", "minimising"),
        (MI, "Let's not kid ourselves, that's where you're heading.", "arguing_confronting"),
        (MI, "Denial is the first sign, you know.", "moralising_labelling"),
        (STUDENT, "The panic is just you avoiding a hard conversation.", "minimising"),
    ],
)
def test_a_roadblock_in_other_words_is_flagged(slug: str, line: str, flag: str) -> None:
    pairs = ((C, "It's been a hard few weeks and I haven't told anyone."), (T, line))
    assert flag in {f.id for f in score(slug, turns(*pairs)).red_flags if f.seq == 1}


@pytest.mark.parametrize(
    "line",
    [
        "You're worried your parents would be disappointed if they knew.",
        "Part of you fears they would be ashamed of you.",
        "You can be grateful for the sixteen years and still be furious they ended.",
    ],
)
def test_the_clients_own_fear_said_back_is_no_roadblock(line: str) -> None:
    """The same words as the client's fear, reflected, judge nothing."""
    pairs = ((C, "It's been a hard few weeks and I haven't told anyone."), (T, line))
    assert not {f.id for f in score(STUDENT, turns(*pairs)).red_flags if f.seq == 1}


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        (
            "I know you feel awful, but at least you didn't fail the exam.",
            "cliche_false_reassurance",
        ),
        (
            "You feel awful, but honestly your parents would be disappointed if they knew.",
            "moralising_labelling",
        ),
    ],
)
def test_a_roadblock_after_the_clients_view_said_back_is_the_counsellors_own(
    line: str, flag: str
) -> None:
    """The reflection covers its own clause; after 'but' the words are the counsellor's."""
    pairs = ((C, "It's been a hard few weeks and I haven't told anyone."), (T, line))
    assert flag in {f.id for f in score(STUDENT, turns(*pairs)).red_flags if f.seq == 1}


@pytest.mark.parametrize(
    ("line", "argues"),
    [
        ("If you keep going like this you'll lose her.", True),
        ("You need to cut down before it's too late.", True),
        ("Four beers a night is heavy drinking, whatever you call it.", True),
        ("Your liver doesn't care what you like.", True),
        ("If you keep a drink diary for a week, you'll see the pattern for yourself.", False),
        ("Whatever you decide, it's your call.", False),
    ],
)
def test_warning_and_brushing_aside_his_view_argue(line: str, argues: bool) -> None:
    """Gordon's roadblocks of warning and threatening, and the client's own view brushed aside,
    are the righting reflex MI warns against; a prediction he can test, or his choice, is not."""
    pairs = ((C, "I like a few beers after work. Everyone in sales does."), (T, line))
    raised = {f.id for f in score(MI, turns(*pairs)).red_flags if f.seq == 1}
    assert ("arguing_confronting" in raised) is argues, raised


@pytest.mark.parametrize(
    ("line", "minimises"),
    [
        ("Six weeks is a while now. You'll need to start getting back to normal.", True),
        ("It's time to start moving forward for your family's sake.", True),
        ("You should be over the worst of it by now.", True),
        ("It sounds like you feel you should be over it by now, and you're not.", False),
        ("There's no timetable; you don't need to be over anything by now.", False),
        ("It's time to get going, I think our hour is nearly up.", False),
    ],
)
def test_a_timetable_put_on_grief_minimises_it(line: str, minimises: bool) -> None:
    """Grief has no timetable; telling a bereaved parent she should be over it, or that it is time
    to move forward, dismisses it. Her own sense of it said back, or the timetable denied, does not."""
    pairs = ((C, "It's been six weeks and I still can't go into his room."), (T, line))
    raised = {f.id for f in score(GRIEF, turns(*pairs)).red_flags if f.seq == 1}
    assert ("minimising" in raised) is minimises, raised


@pytest.mark.parametrize(
    ("slug", "client", "line"),
    [
        (STUDENT, "I'm so tired. I just need a break from all of it.", "It sounds like you just"
         " need a break from all of it."),
        (STUDENT, "I'm so tired. I just need a break from all of it.", "You just need some rest,"
         " and nobody's letting you have it."),
        (SUICIDE, "I used to think I was tough.", "You're tougher than this voice in your head"
         " gives you credit for."),
        (GRIEF, "Other parents in the group have lost more than one child.", "You're comparing"
         " yourself with parents who had it worse, and it doesn't make yours smaller."),
        (SUICIDE, "I've got a box of tablets in the drawer.", "It's your choice how we plan"
         " tonight - can we start with where the tablets go?"),
        (SUICIDE, "I feel stupid for calling.", "You don't have to feel ashamed for calling - I'm"
         " glad you did."),
        (GRIEF, "Is it normal that it's getting worse?", "Many people find the first months are the"
         " hardest, and it doesn't follow a timetable."),
        (STUDENT, "Why does my heart race like that?", "That's your body's alarm going off - it's"
         " just your nervous system trying to protect you."),
    ],
)  # fmt: skip
def test_words_near_a_roadblock_said_for_the_client_raise_no_flag(
    slug: str, client: str, line: str
) -> None:
    evaluation = score(slug, turns((C, client), (T, line), (C, "Yeah.")))
    assert not [f.id for f in evaluation.red_flags if f.critical]
