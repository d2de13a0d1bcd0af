"""Talking past the client (evaluation/listening.py): the client refusing a feeling they never
voiced, asking whether they were heard, a disclosure met with a stock "Great." - and what is
not that: a miss the trainee repairs, a client speaking of someone else not listening."""

from __future__ import annotations

from evaluation.scoring import FORM_CEILING, UNHEARD_CEILING
from tests.evaluation_helpers import C, T, flag_ids, score, turns

MI = "drinking-ambivalence-mi"
STUDENT = "anxious-college-student"

# the right terms, recited past him: a feeling he never voiced, then his mother's death passed
# over with a ruler, then "thank you for sharing" and a new topic
RECITED = (
    (C, "My wife made the appointment. I drink a bit after work, that's all."),
    (T, "Welcome. What brings you here today, what are your goals, and what would you change?"),
    (C, "I told you, my wife made the appointment. I'd rather be at work."),
    (T, "It sounds like you feel guilty about your drinking."),
    (C, "Guilty? No. I'm annoyed, mostly, that I had to take the afternoon off."),
    (T, "On a scale from zero to ten, how important is it for you to change?"),
    (C, "Maybe a six. My mother drank, and she died of it when I was nineteen."),
    (T, "Excellent, a six. And how confident are you that you could change, zero to ten?"),
    (C, "Three. Did you hear what I said about my mother?"),
    (T, "Thank you for sharing. You are the expert on your own life. What is your next step?"),
    (C, "I don't know. Whatever you think."),
)

# the same client, heard: the miss repaired, his mother's death taken up
HEARD = (
    (C, "My wife made the appointment. I drink a bit after work, that's all."),
    (T, "Coming here wasn't your idea. What would you like to get out of the hour anyway?"),
    (C, "I don't know. I'd rather be at work, honestly."),
    (T, "It sounds like you feel guilty about being here."),
    (C, "Guilty? No. I'm annoyed, mostly, that I had to take the afternoon off."),
    (T, "Annoyed, not guilty - the afternoon off cost you something."),
    (C, "Yeah. And maybe a bit worried. My mother drank, and she died of it when I was nineteen."),
    (T, "You were nineteen when drinking took your mother, and part of you worries about that."),
    (C, "I think about her every time I open a beer, to be honest."),
)


def test_a_conversation_that_talks_past_the_client_is_flagged_and_scored_in_the_weak_band() -> None:
    evaluation = score(MI, turns(*RECITED))
    flags = [f for f in evaluation.red_flags if f.id == "not_listening"]
    # the refused reading (turn 3) left unrepaired, the mother's death met with "Excellent, a
    # six." (turn 7) - which he then asks about - and "Thank you for sharing." (turn 9)
    assert [f.seq for f in flags] == [3, 7, 9]
    said = {t.seq: t.text for t in turns(*RECITED)}
    assert all(f.quote in said[f.seq] for f in flags)
    assert not any(f.critical for f in flags)
    assert evaluation.overall_score <= UNHEARD_CEILING
    assert not evaluation.passed


def test_a_repaired_miss_and_a_disclosure_taken_up_are_listening() -> None:
    evaluation = score(MI, turns(*HEARD))
    assert "not_listening" not in flag_ids(evaluation)
    assert evaluation.overall_score > score(MI, turns(*RECITED)).overall_score


def test_one_stock_acknowledgement_costs_a_little_and_does_not_cap_the_session() -> None:
    pairs = (
        (C, "I had a panic attack in my chemistry midterm and walked out. I cried for an hour."),
        (T, "Great. What are your study habits like?"),
        (C, "I study every night. I just freeze when the paper is in front of me."),
        (T, "You know the material, and then the moment the paper is there, your body takes over."),
        (C, "Yes. Exactly that. My chest goes tight and my mind is blank."),
    )
    evaluation = score(STUDENT, turns(*pairs))
    flags = [f for f in evaluation.red_flags if f.id == "not_listening"]
    assert [(f.seq, f.quote) for f in flags] == [(1, "Great.")]


def test_a_client_speaking_of_someone_else_not_listening_is_no_protest() -> None:
    pairs = (
        (C, "My mum never listens to me. She says it's just exams."),
        (T, "You'd like someone to hear how frightening this has been."),
        (C, "I told my sister about it and she just laughed."),
        (T, "Twice now, people close to you brushed it off."),
        (C, "Yeah. That's why I came here, I guess."),
    )
    assert "not_listening" not in flag_ids(score(STUDENT, turns(*pairs)))


# technique names read out as labels, at him rather than with him
LABELLED = (
    (C, "I'm only here because my doctor said my liver numbers are off."),
    (T, "Open question: what do you like about drinking and what do you not like?"),
    (C, "It helps me switch off. The numbers scared me a bit, I suppose."),
    (T, "Affirmation: you are a very motivated person."),
    (C, "I'm not sure about that."),
    (T, "Summary: you have ambivalence. Next step: cut down."),
    (C, "Okay, if you say so."),
)


def test_techniques_announced_by_name_are_recited_not_done() -> None:
    evaluation = score(MI, turns(*LABELLED))
    flags = [f for f in evaluation.red_flags if f.id == "not_listening"]
    assert [f.seq for f in flags] == [1, 3, 5]
    assert flags[1].quote == "Affirmation: you are a very motivated person."
    assert evaluation.overall_score <= UNHEARD_CEILING


def test_a_colon_in_ordinary_speech_is_no_recital() -> None:
    pairs = (
        (C, "I've had a few scares. Blackouts, twice this month."),
        (T, "Here's what I'm hearing: the blackouts frightened you more than you let on."),
        (C, "Yeah. I couldn't remember driving home."),
        (T, "One thing I'd like to understand: what went through your mind the next morning?"),
        (C, "That I could have killed someone."),
    )
    assert "not_listening" not in flag_ids(score(MI, turns(*pairs)))


def _misread(
    second_trainee_turn: str, reply: str = "No, I said my dad. He had liver disease."
) -> tuple[tuple[str, str], ...]:
    return (
        (C, "It relaxes me, mostly. My dad's drinking is in the back of my mind."),
        (T, "So you're angry about the pressure at work."),
        (C, reply),
        (T, second_trainee_turn),
        (C, "I guess."),
    )


def test_a_reading_refused_with_a_bare_no_and_left_unrepaired_is_a_misread() -> None:
    pairs = _misread("On a scale from zero to ten, how ready are you to cut down?")
    flags = [f for f in score(MI, turns(*pairs)).red_flags if f.id == "not_listening"]
    assert [(f.seq, f.quote) for f in flags] == [(1, "So you're angry about the pressure at work.")]


def test_a_bare_no_the_trainee_repairs_or_that_agrees_is_no_misread() -> None:
    repaired = _misread("Your dad, not work - and his liver disease is on your mind.")
    assert "not_listening" not in flag_ids(score(MI, turns(*repaired)))
    confirming = _misread("Where would you like to start?", reply="No, that's it. Mostly my dad.")
    assert "not_listening" not in flag_ids(score(MI, turns(*confirming)))
    agreeing = (
        (C, "I missed my niece's birthday because I was hungover. I hated that."),
        (T, "You're not someone who wants to let your family down."),
        (C, "No. Never. That's what scares me."),
        (T, "Where would you like to start?"),
        (C, "I guess."),
    )
    assert "not_listening" not in flag_ids(score(MI, turns(*agreeing)))


def _unheard(pairs: tuple[tuple[str, str], ...]) -> list[tuple[int | None, str | None]]:
    return [(f.seq, f.quote) for f in score(MI, turns(*pairs)).red_flags if f.id == "not_listening"]


def test_a_reading_refused_by_its_own_word_is_a_misread_though_the_turn_asked_too() -> None:
    """'Quit? No.' echoes the reading and refuses it; the question beside it does not make the
    "No" an answer to the question."""
    pairs = (
        (C, "Four, five beers most nights. It helps me switch off."),
        (T, "It sounds like you're ready to quit completely. What are the pros and cons?"),
        (C, "Quit? No. My partner hates it, though."),
        (T, "Let's look at your goals for the next five years."),
        (C, "Okay."),
    )
    assert _unheard(pairs) == [(1, "It sounds like you're ready to quit completely.")]
    repaired = (*pairs[:3], (T, "Not quitting, then. What does your partner hate about it?"))
    assert _unheard((*repaired, (C, "The snapping, mostly."))) == []


def test_the_answer_to_a_question_does_not_repair_the_misread_asked_with_it() -> None:
    """'I didn't say guilty. Maybe a seven.': the seven answers the ruler, it corrects nothing;
    taking the seven up leaves the misread standing, owning the miss repairs it."""
    pairs = (
        (C, "Four, five beers most nights. It helps me switch off."),
        (
            T,
            "So you're feeling guilty about your drinking. How important is a change, zero to ten?",
        ),
        (C, "I didn't say guilty. Maybe a seven on important."),
    )
    taken = (*pairs, (T, "A seven, great. What would a ten look like?"), (C, "Dunno."))
    assert _unheard(taken) == [(1, "So you're feeling guilty about your drinking.")]
    owned = (
        *pairs,
        (T, "Sorry, I got that wrong. A seven - what puts it that high?"),
        (C, "Priya."),
    )
    assert _unheard(owned) == []


# MI terms recited past him: stacked questions, readings he refuses ("I didn't say guilty",
# "Quit? No."), his partner and the missed birthday met with "Excellent.", a plan set for him
GAMED = (
    (C, "So my doctor sent me. Look, I'm not an alcoholic. I like a few beers after work."),
    (T, "Welcome. In motivational interviewing we explore ambivalence. What do you like about "
        "drinking, what don't you like, and how much do you drink each week?"),
    (C, "Four, five, six beers most nights. It helps me switch off."),
    (T, "So you're feeling guilty about your drinking. On a scale of zero to ten, how important "
        "is change, and how confident are you?"),
    (C, "I didn't say guilty. Maybe a seven on important, a four on confident."),
    (T, "A seven, that's great. It sounds like you're ready to quit completely. What are the pros "
        "and cons?"),
    (C, "Quit? No. My partner hates it, though. I missed my niece's birthday because I was "
        "hungover."),
    (T, "Excellent. I want to affirm your strength and resilience. What would your ideal future "
        "look like in five years?"),
    (C, "I don't know. Not missing things, I guess."),
    (T, "You feel hopeful and motivated. It's your choice. To summarise: beers, stress, change. "
        "What is your change plan?"),
    (C, "I haven't really thought about a plan."),
    (T, "Great. Let's say no drinking on weeknights starting tomorrow. Does that work?"),
    (C, "I guess."),
)  # fmt: skip
# the same client, met weakly: closed questions and advice, nothing recited
WEAK = (
    (C, "So my doctor sent me. Look, I'm not an alcoholic. I like a few beers after work."),
    (T, "Okay. How much do you drink?"),
    (C, "Four, five, six beers most nights. It helps me switch off."),
    (T, "That's a lot more than the guidelines. You should really cut down."),
    (C, "Everyone I work with drinks like that."),
    (T, "Maybe, but it's not good for your liver. Have you tried alcohol-free beer?"),
    (C, "Not really. My partner hates it when I drink, though. I missed my niece's birthday."),
    (T, "Right. So that's another reason. You could try just two beers a night."),
    (C, "I suppose."),
    (T, "Okay, try that and we'll see how it goes next time."),
    (C, "Fine."),
)  # fmt: skip


def test_the_terms_recited_past_the_client_score_level_with_a_weak_session() -> None:
    """Each refused reading and the passed-over disclosure is an event, and a reading the client
    refused earns the reflections criterion nothing: the recital lands level with the weak
    session (31 and 29 in 7.8; 43 against 29 in 7.7, which saw only the "Excellent.")."""
    gamed, weak = score(MI, turns(*GAMED)), score(MI, turns(*WEAK))
    assert [f.seq for f in gamed.red_flags if f.id == "not_listening"] == [3, 5, 7]
    assert next(c.rating for c in gamed.criteria if c.id == "reflections") == "not_met"
    assert not gamed.passed
    assert gamed.overall_score <= weak.overall_score + 5


def test_a_reading_disowned_in_its_own_words_is_a_misread_though_the_turn_asked_too() -> None:
    """'I never said I wanted to cut down.' refuses the summary by its content; the question
    beside it ('What's your next step?') does not make it an answer."""
    pairs = (
        (C, "Four, five beers most nights. It helps me switch off."),
        (T, "So let me summarise: you want to cut down. What's your next step?"),
        (C, "I never said I wanted to cut down."),
        (T, "Shall we set a goal of two drinks a night?"),
        (C, "Whatever."),
    )
    assert _unheard(pairs) == [(1, "So let me summarise: you want to cut down.")]


def test_a_bewildered_no_refuses_the_reading() -> None:
    """'What? No. I'm terrified I'll fail.' refuses 'confident' as plainly as a bare 'No'."""
    pairs = (
        (C, "In my chem midterm my chest got tight and I walked out."),
        (T, "It sounds like you're feeling really confident about your studies."),
        (C, "What? No. I'm terrified I'll fail."),
        (T, "When did it start, and how often does it happen?"),
        (C, "A few weeks."),
    )
    flags = [f for f in score(STUDENT, turns(*pairs)).red_flags if f.id == "not_listening"]
    assert [(f.seq, f.quote) for f in flags] == [
        (1, "It sounds like you're feeling really confident about your studies.")
    ]


GRIEF = "parent-acute-grief"
GRIEF_GAMED = (
    (C, "My doctor said I should come. I'm not sure what anyone can do. He's gone."),
    (T, "I'm so sorry for your loss. I'm here with you. Tell me about him."),
    (C, "He was sixteen. A car crash, six weeks ago."),
    (T, "There's no right way to grieve. Your reactions make sense. How are you sleeping and "
        "eating? Who is with you?"),
    (C, "I can't sleep. I keep going into his room. My husband doesn't talk about it."),
    (T, "It sounds like you're feeling angry at God and relieved it's over."),
    (C, "Relieved? No. I'm not relieved."),
    (T, "Grief has many stages: denial, anger, bargaining, depression and acceptance. Have you had "
        "any thoughts of harming yourself?"),
    (C, "No. I just want him back."),
    (T, "Great. So to summarise: you're grieving, you have your husband, and you're safe. Same "
        "time next week?"),
)  # fmt: skip


def test_each_right_thing_said_once_past_a_grieving_mother_is_the_weak_band() -> None:
    """Condolence, 'no right way', the sleep and safety questions, 'who is with you': each said
    once, her reactions declared valid before she voiced any, her correction ignored. It passed
    at 66 before the unvoiced validation was read."""
    evaluation = score(GRIEF, turns(*GRIEF_GAMED))
    assert [(f.seq, f.quote) for f in evaluation.red_flags if f.id == "not_listening"] == [
        (3, "Your reactions make sense."),
        (5, "It sounds like you're feeling angry at God and relieved it's over."),
    ]
    assert not evaluation.passed
    assert evaluation.overall_score <= UNHEARD_CEILING


def test_validating_a_feeling_the_client_voiced_is_listening() -> None:
    pairs = (
        (C, "He was sixteen. A car crash. I'm so angry at the driver, and then ashamed of it."),
        (
            T,
            "Your reactions make sense. Anger and shame often come together after a loss like this.",
        ),
        (C, "I didn't think anyone would understand that."),
    )
    assert "not_listening" not in flag_ids(score(GRIEF, turns(*pairs)))


def test_yearning_met_with_thank_you_for_sharing_and_a_new_topic_is_passed_over() -> None:
    """'I just want him back' is grief's own feeling; 'Thank you for sharing' and the next item
    use nothing of it. Said back, it is a reflection."""
    opening = (
        (C, "He was sixteen. I sit in his room at night."),
        (T, "Have you had any thoughts of harming yourself?"),
        (C, "No. I just want him back."),
    )
    passed = (*opening, (T, "Thank you for sharing. Shall we meet next week?"), (C, "Okay."))
    assert [(f.seq, f.quote) for f in score(GRIEF, turns(*passed)).red_flags] == [
        (3, "Thank you for sharing.")
    ]
    heard = (*opening, (T, "Of course you do. You just want him back."), (C, "Every minute."))
    assert "not_listening" not in flag_ids(score(GRIEF, turns(*heard)))


# every step asked, one question a turn, and nothing of what she tells said back: a checklist
CHECKLIST = (
    (C, "Hi. Um, I'm not really sure how this works. My RA said I should come."),
    (T, "Hi, welcome. What we talk about stays between us, and we have about fifty minutes today."),
    (
        C,
        "Okay. So I froze in my exam last week and just walked out. I felt like I was going to die.",
    ),
    (T, "How have you been sleeping lately?"),
    (C, "Badly. My heart races and I keep thinking I'll fail everything and let my parents down."),
    (T, "What do you notice in your body when it starts?"),
    (
        C,
        "My chest gets tight, my hands shake. It's scary, I thought it was a heart attack at first.",
    ),
    (T, "How are your classes going at the moment?"),
    (C, "I'm behind in two of them. I stopped going to lectures in case it happens there too."),
    (T, "When did this first start?"),
    (C, "Maybe in October? It's gotten worse since. I feel so stupid, everyone else seems fine."),
    (T, "What has helped you in the past when things were hard?"),
    (C, "Running used to help. And my sister, but she's abroad now and I feel like a bother."),
    (T, "What would you like to do as a next step?"),
    (C, "I don't know. Maybe try running again?"),
    (T, "Would you like to come back next week?"),
    (C, "I guess so."),
)
# the same questions, and twice what she said is said back
SAID_BACK = {
    3: "You felt like you were going to die in there - that's frightening. How have you been"
    " sleeping lately?",
    11: "You're comparing yourself to everyone else and coming off worse. What has helped you in"
    " the past when things were hard?",
}


def test_a_checklist_that_says_nothing_back_is_an_interview_in_the_weak_band() -> None:
    evaluation = score(STUDENT, turns(*CHECKLIST))
    flags = [f for f in evaluation.red_flags if f.id == "nothing_said_back"]
    assert len(flags) == 1
    assert not flags[0].critical
    # cited where it began: the first feeling she named, which was never said back
    assert flags[0].seq == 6
    assert flags[0].quote == "It's scary, I thought it was a heart attack at first."
    assert evaluation.overall_score <= UNHEARD_CEILING
    assert not evaluation.passed
    # the session-level finding takes no credit from the sentence it quotes
    welcome = next(c for c in evaluation.criteria if c.id == "welcome_and_frame")
    assert welcome.rating == "met"


def test_saying_back_what_the_client_told_is_no_interview() -> None:
    heard = [(who, SAID_BACK.get(i, text)) for i, (who, text) in enumerate(CHECKLIST)]
    evaluation = score(STUDENT, turns(*heard))
    assert "nothing_said_back" not in flag_ids(evaluation)
    assert evaluation.overall_score > score(STUDENT, turns(*CHECKLIST)).overall_score + 10


def test_sympathy_that_carries_nothing_of_what_she_said_does_not_make_it_listening() -> None:
    sympathy = {5: "That sounds hard. What do you notice in your body when it starts?",
                9: "That must be tough. When did this first start?"}  # fmt: skip
    said = [(who, sympathy.get(i, text)) for i, (who, text) in enumerate(CHECKLIST)]
    evaluation = score(STUDENT, turns(*said))
    assert "nothing_said_back" in flag_ids(evaluation)
    assert not evaluation.passed


def test_a_short_exchange_is_no_interview() -> None:
    """Fewer than four telling client turns: too little to say it was never heard."""
    evaluation = score(STUDENT, turns(*CHECKLIST[:6]))
    assert "nothing_said_back" not in flag_ids(evaluation)


# readings of what she never said (her family, belonging, grief about home), which she only hedges
PROJECTED = (
    (C, "Hi. My RA said I should come. I had a panic attack in my exam last week."),
    (
        T,
        "Welcome, this is confidential and we have fifty minutes. It sounds like you feel deeply"
        " ashamed and you're afraid of disappointing your family.",
    ),
    (C, "I guess. I don't know."),
    (T, "So you're carrying a lot of guilt, and part of you feels you don't belong at university."),
    (C, "Maybe. I just want it to stop happening."),
    (T, "You're feeling hopeless and alone, like nobody understands what you're going through."),
    (C, "Um. Sort of. It's mostly the exams."),
    (T, "What has helped you cope before? Would you like to come back next week?"),
    (C, "Okay."),
)


def test_feelings_read_into_her_that_she_only_hedges_are_talking_past_her() -> None:
    evaluation = score(STUDENT, turns(*PROJECTED))
    flags = [f for f in evaluation.red_flags if f.id == "not_listening"]
    assert [f.seq for f in flags] == [1, 3, 5]
    assert flags[0].quote == (
        "It sounds like you feel deeply ashamed and you're afraid of disappointing your family."
    )
    assert evaluation.overall_score <= UNHEARD_CEILING
    assert not evaluation.passed


def test_a_feeling_named_near_what_she_told_and_confirmed_is_a_reflection() -> None:
    heard = (
        (C, "Hi. My RA said I should come. I had a panic attack in my exam last week."),
        (T, "That sounds frightening - your body took over in the middle of the exam."),
        (C, "Maybe. I thought I was dying, honestly."),
        (T, "You thought you were dying, and it still scares you."),
        (C, "I guess... yeah, that's it. I keep waiting for it to happen again."),
    )
    evaluation = score(STUDENT, turns(*heard))
    assert "not_listening" not in flag_ids(evaluation)


def test_a_hedge_the_next_turn_takes_up_is_repaired() -> None:
    repaired = [*PROJECTED[:7], (T, "Mostly the exams - tell me what happens when one starts.")]
    evaluation = score(STUDENT, turns(*repaired))
    assert 5 not in {f.seq for f in evaluation.red_flags if f.id == "not_listening"}


# Two signs that the session answered a form rather than the client (evaluation/scoring.py,
# `answered_a_form`): stacked questions at the start, then a feeling she never voiced, refused and
# left unrepaired - the right topics follow, none of them hers
STACKED_AND_TALKED_PAST = (
    (C, "Hi. I wasn't sure I should come. My roommate kind of pushed me."),
    (
        T,
        "Welcome. This is confidential within the usual limits and we have about fifty minutes. "
        "What brings you here, how long has it been going on, and how is it affecting your grades?",
    ),
    (
        C,
        "It's the exams. In my biology final my hands were shaking and my mind went blank, and I "
        "walked out halfway.",
    ),
    (T, "It sounds like you're angry at your professor."),
    (C, "No, not angry. Embarrassed, mostly. Everyone saw me leave."),
    (T, "How have you been sleeping, and what happens in your body before a test?"),
    (C, "Badly. Three or four hours. My heart races the night before."),
    (T, "What has helped you get through stressful times before?"),
    (C, "Swimming, I guess. I used to swim every morning back home."),
    (T, "Swimming helped. What would you like to try before we meet next week?"),
    (C, "Maybe go to the pool again. Once or twice."),
)


def test_stacked_questions_and_a_feeling_read_past_her_are_two_signs_and_below_weak() -> None:
    evaluation = score(STUDENT, turns(*STACKED_AND_TALKED_PAST))
    assert {"question_stacking", "not_listening"} <= flag_ids(evaluation)
    # at or below a weak attempt, as supervisors grade a recited form (weak calls: 25-35)
    assert evaluation.overall_score <= FORM_CEILING <= 30
    # the same opening, then heard: one sign alone costs a little and caps nothing
    heard = list(STACKED_AND_TALKED_PAST)
    heard[3] = (T, "That sounds frightening - your body took over and you had to get out.")
    heard[4] = (C, "Yeah. And embarrassed. Everyone saw me leave.")
    heard[5] = (T, "Embarrassed on top of scared. How have you been sleeping since?")
    listened = score(STUDENT, turns(*heard))
    assert flag_ids(listened) & {"question_stacking", "not_listening"} == {"question_stacking"}
    assert listened.overall_score > UNHEARD_CEILING + 10


def test_a_second_feeling_read_past_her_correction_is_a_second_miss() -> None:
    refused = (
        (
            C,
            "It's the exams. In my biology final my hands were shaking and my mind went blank, and "
            "I walked out halfway.",
        ),
        (T, "It sounds like you're angry at your professor."),
        (C, "No, not angry. Scared, mostly. Everyone saw me leave."),
    )
    again = score(
        STUDENT,
        turns(
            *refused,
            (T, "You're feeling guilty about letting yourself down."),
            (C, "I guess. I don't know."),
        ),
    )
    flags = [f for f in again.red_flags if f.id == "not_listening"]
    assert [(f.seq, f.quote) for f in flags] == [
        (1, "It sounds like you're angry at your professor."),
        (3, "You're feeling guilty about letting yourself down."),
    ]
    # her own feeling in other words is not read past her, and a question reads nothing
    for reply in (
        "So it's fear more than anything - fear of it happening again.",
        "You sound frightened it could happen again.",
        "How have you been sleeping?",
    ):
        heard = score(STUDENT, turns(*refused, (T, reply), (C, "I guess. I don't know.")))
        assert [f.seq for f in heard.red_flags if f.id == "not_listening"] == [1]


def test_feelings_of_everyday_friction_are_feelings_too() -> None:
    """ "Defensive", "embarrassed", "annoyed" are read into a client as surely as "ashamed": read
    past his correction, the second is a miss as well."""
    pairs = (
        (C, "My GP sent me. I have a few beers after work, like everyone in my office."),
        (T, "What I hear is that you feel ashamed about your drinking."),
        (C, "Ashamed? No. I said my GP sent me. I'd rather be at work."),
        (T, "You're being defensive about your drinking, and that's okay."),
        (C, "Sure. Whatever."),
    )
    evaluation = score(MI, turns(*pairs))
    assert [f.seq for f in evaluation.red_flags if f.id == "not_listening"] == [1, 3]


def test_a_summary_is_quoted_by_what_it_says_and_an_announcement_alone_summarises_nothing() -> None:
    opening = (
        (C, "My doctor sent me. I have four or five beers most nights to switch off."),
        (T, "Switching off matters to you. What does your wife make of the beers?"),
        (C, "She hates it. And my dad drank, his liver went at sixty."),
    )
    content = "You drink to switch off, your wife hates it, and your dad's liver is on your mind."
    said = score(MI, turns(*opening, (T, f"Let me summarise. {content} What's your next step?")))
    summary = next(c for c in said.criteria if c.id == "summary_and_next_step")
    assert content in [e.quote for e in summary.evidence]
    assert "Let me summarise." not in [e.quote for e in summary.evidence]
    announced = score(MI, turns(*opening, (T, "Let me summarise. What's your next step?")))
    rated = next(c for c in announced.criteria if c.id == "summary_and_next_step")
    assert "Let me summarise." not in [e.quote for e in rated.evidence]
    # the session's skill counts read a summary the same way: one, and none for the announcement
    assert (said.metrics.summaries, announced.metrics.summaries) == (1, 0)
    marked_twice = score(MI, turns(*opening, (T, f"To recap. So far: {content}")))
    assert marked_twice.metrics.summaries == 1
