"""The crisis layer through the one scoring pipeline, on the acts issue 27 names: a harmful
suicide-risk attempt fails with a critical flag naming each act, and the mis-named cases are
named right."""

from __future__ import annotations

import pytest

from evaluation.crisis import CRISIS_FLAG_IDS
from evaluation.scoring import HARM_CEILING
from tests.evaluation_helpers import C, T, flag_ids, score, turns

SLUG = "suicide-risk-assessment"
OPENING = [
    (C, "Hey. I don't really know why I'm calling. I'm just tired of all of it."),
    (T, "I'm glad you called. What's been going on?"),
    (C, "The divorce, losing my job. Some nights I think everyone would be better off without me."),
]


def test_harmful_attempt_fails_with_a_critical_flag_for_each_act() -> None:
    evaluation = score(SLUG, turns(
        *OPENING,
        (T, "I'm not going to ask you about suicide. Asking only plants the idea."),
        (C, "Okay. I've got some old sleeping pills in the cabinet. I keep looking at them."),
        (T, "Just take one of them and get some sleep, you'll feel better in the morning."),
        (C, "Can we talk again tomorrow?"),
        (T, "There's no need to call back. Goodbye."),
    ))  # fmt: skip
    critical = {f.id: f for f in evaluation.red_flags if f.critical}
    assert {"suicide_question_declined", "never_asked_after_warning_signs", "means_encouraged",
            "ended_early"} <= set(critical)  # fmt: skip
    assert not evaluation.passed
    assert evaluation.overall_score < evaluation.pass_mark
    assert evaluation.needs_review
    means = critical["means_encouraged"]
    assert (
        means.quote
        == "Just take one of them and get some sleep, you'll feel better in the morning."
    )
    assert "CALM" in means.why
    assert means.better_alternative
    crisis = evaluation.metrics.crisis
    assert crisis is not None
    assert {"asked_directly", "safety_plan_or_referral", "follow_up"} <= set(crisis.missing)


def test_the_means_question_is_not_a_dismissed_disclosure() -> None:
    evaluation = score(SLUG, turns(
        (C, "Honestly I think about killing myself sometimes."),
        (T, "Thank you for telling me. Do you have any way to do it, anything at home?"),
        (C, "There are some old pills in the cabinet."),
    ))  # fmt: skip
    assert "disclosure_dismissed" not in flag_ids(evaluation)
    assert "means_encouraged" not in flag_ids(evaluation)
    crisis = evaluation.metrics.crisis
    assert crisis is not None
    step = next(s for s in crisis.steps if s.id == "means_capability")
    assert step.done
    assert step.quote == "Do you have any way to do it, anything at home?"


def test_take_one_of_them_is_means_encouraged() -> None:
    evaluation = score(SLUG, turns(
        *OPENING,
        (T, "That sounds so heavy. Are you thinking about suicide?"),
        (C, "Yeah. I've got sleeping pills. I've been looking at them."),
        (T, "Just take one of them and get some sleep."),
    ))  # fmt: skip
    flags = [f for f in evaluation.red_flags if f.seq == 5]
    assert "means_encouraged" in {f.id for f in flags}
    assert not evaluation.passed


def test_hanging_up_after_a_disclosure_is_ended_early() -> None:
    evaluation = score(SLUG, turns(
        *OPENING,
        (T, "Are you thinking about suicide?"),
        (C, "Yes. I think about it most nights."),
        (T, "I don't think we need to talk about this any more. Goodbye."),
    ))  # fmt: skip
    ended = [f for f in evaluation.red_flags if f.id == "ended_early"]
    assert [f.quote for f in ended] == ["I don't think we need to talk about this any more."]
    assert ended[0].critical
    assert not evaluation.passed


def test_a_safe_close_after_plan_and_follow_up_carries_no_crisis_flag() -> None:
    evaluation = score(SLUG, turns(
        *OPENING,
        (T, "When you say everyone would be better off without you, are you thinking about suicide?"),
        (C, "Yeah. I've got sleeping pills in the cabinet."),
        (T, "Thank you for telling me. Could your brother hold on to the pills for a while?"),
        (C, "I could ask Luis."),
        (T, "If the thoughts get stronger tonight, you can call 988 any hour. Could I call you "
            "tomorrow afternoon to see how you are? Take care."),
        (C, "Yeah. That'd be okay."),
    ))  # fmt: skip
    crisis_ids = {"means_encouraged", "suicide_question_declined", "never_asked_after_warning_signs",
                  "ended_early", "secrecy_promised", "moralising"}  # fmt: skip
    assert not crisis_ids & flag_ids(evaluation)


def test_one_crisis_act_puts_an_otherwise_skilled_call_in_the_harmful_band() -> None:
    """Asking directly, exploring and planning do not buy back telling him to keep the pills by
    the bed: the call scores in the harmful band as supervisors grade it (no call with such an
    act above 25 in the tune split or our own set), below a merely weak one."""
    skilled = [
        *OPENING,
        (T, "It sounds like you're carrying a lot of pain. Are you thinking about killing yourself?"),
        (C, "Yeah. I have been. I've got a bottle of sleeping pills in the cabinet."),
        (T, "Thank you for telling me that. Have you thought about when, or how many you'd take?"),
        (C, "Not really a plan. I just look at them at night."),
        (T, "What has kept you going so far, on the worst nights?"),
        (C, "My daughter, mostly. She calls on Sundays."),
    ]  # fmt: skip
    harmful = score(SLUG, turns(
        *skilled,
        (T, "Keep the pills next to your bed so they're there if you need them tonight."),
        (C, "Okay."),
    ))  # fmt: skip
    careful = score(SLUG, turns(
        *skilled,
        (T, "Would you be willing to let your daughter hold on to the pills for a while?"),
        (C, "Maybe. I could ask her on Sunday."),
    ))  # fmt: skip
    assert "means_encouraged" in {f.id for f in harmful.red_flags if f.critical}
    assert harmful.overall_score <= HARM_CEILING < careful.overall_score
    assert harmful.overall_score <= 25
    assert not harmful.passed


def test_staying_with_a_disclosure_then_asking_is_not_a_dismissal() -> None:
    """Two turns can take a disclosure up: a reply that stays with the caller, then the direct
    question. Reassurance first still waves the disclosure away, whatever follows."""

    def reply(first: str) -> set[str]:
        return flag_ids(score(SLUG, turns(
            *OPENING,
            (T, first),
            (C, "I haven't told anyone."),
            (T, "Are you thinking about killing yourself?"),
            (C, "Sometimes. Yeah."),
        )))  # fmt: skip

    assert "disclosure_dismissed" not in reply("I'm here, and I'm listening.")
    assert "disclosure_dismissed" not in reply("Take your time, there's no rush.")
    assert "disclosure_dismissed" in reply("Don't worry, things will get better soon.")
    assert "disclosure_dismissed" in reply("You'll be okay, you're stronger than you think.")


def test_acknowledging_the_answer_to_ones_own_suicide_question_is_not_a_dismissal() -> None:
    """The counsellor asked; the caller says yes. A reply that stays with that answer
    ("That's a lot to have held by yourself.") takes it up, whatever the next question explores;
    a reply that reassures, or asks about something else, still waves it away."""

    def reply(first: str) -> set[str]:
        return flag_ids(score(SLUG, turns(
            (C, "Since the divorce nothing feels worth it. Some nights I don't want to wake up."),
            (T, "When you say you don't want to wake up, are you thinking about killing yourself?"),
            (C, "Yes. I've thought about killing myself. Nobody knows."),
            (T, first),
            (C, "It's strange to say it out loud."),
            (T, "What has the last month been like for you?"),
            (C, "Long. Empty. Work, then the flat, then the nights."),
        )))  # fmt: skip

    held = "That's a lot to have held by yourself. I'm glad it's in the open now."
    assert "disclosure_dismissed" not in reply(held)
    assert "disclosure_dismissed" not in reply("Nobody knew. And now someone does.")
    assert "disclosure_dismissed" in reply("Don't worry, things will get better soon.")
    assert "disclosure_dismissed" in reply("So what do you do for work?")


def test_offering_an_idea_is_not_the_myth_that_asking_plants_one() -> None:
    """ "Can I put an idea to you?" proposes something; "I don't want to put ideas in your head"
    is the myth that declines the suicide question."""

    def said(line: str) -> set[str]:
        return flag_ids(score(SLUG, turns(
            *OPENING,
            (T, "Are you thinking about killing yourself?"),
            (C, "Yeah. Most nights. There are pills in the cabinet."),
            (T, line),
            (C, "Okay."),
        )))  # fmt: skip

    proposal = (
        "Can I put an idea to you? Would your brother keep the pills at his place for a while?"
    )
    assert "suicide_question_declined" not in said(proposal)
    assert "suicide_question_declined" not in said("Drinking tonight could make it worse.")
    assert "suicide_question_declined" in said(
        "I don't want to put ideas in your head, so let's leave it."
    )


def _put_off(reply: str) -> list[tuple[str, int, str]]:
    evaluation = score(
        "veteran-firearm-crisis",
        turns(
            (C, "Everybody would be better off without me."),
            (T, "When you say better off, are you thinking about killing yourself?"),
            (C, "Yeah. Tonight, maybe. The revolver's in the closet, loaded."),
            (T, reply),
            (C, "Okay."),
        ),
    )
    return [(f.id, f.seq, f.quote) for f in evaluation.red_flags if f.id == "ended_early"]


def test_putting_the_means_work_off_to_another_day_is_ending_it_early() -> None:
    deferred = "You sound worn out. We can figure out storage another day."
    assert _put_off(deferred) == [("ended_early", 3, "We can figure out storage another day.")]
    tomorrow = "Let's not get into that now; we'll talk about it tomorrow."
    assert [seq for _, seq, _ in _put_off(tomorrow)] == [3]


def test_a_follow_up_call_tomorrow_is_not_putting_the_work_off() -> None:
    assert _put_off("Who could hold the revolver for you tonight? I'll call you tomorrow.") == []


GRIEF = "parent-acute-grief"


def _grief_call(sign: str) -> tuple[list[str], str | None]:
    """A bereaved client gives `sign`; the trainee moves on to sleep and never asks."""
    evaluation = score(
        GRIEF,
        turns(
            (C, "It's been three weeks. I sit in his room most evenings."),
            (T, "Three weeks, and the evenings in his room. What's that like?"),
            (C, f"Empty. {sign}"),
            (T, "Let's think about your evenings. A regular bedtime could really help."),
            (C, "Maybe."),
            (T, "Try a walk after dinner too. It gets easier with time."),
            (C, "If you say so."),
        ),
    )
    crisis = evaluation.metrics.crisis
    heard = crisis.warning_sign_quote if crisis else None
    return [f.id for f in evaluation.red_flags if f.id in CRISIS_FLAG_IDS], heard


def test_a_warning_sign_in_a_non_risk_scenario_left_unasked_is_a_critical_flag() -> None:
    """SPRC / 988 warning signs the client words their own way: a wish to be reunited with the one
    who died, no reason to be around, being a weight on the family. Hearing one and never asking
    about suicide fails the call, whatever the scenario declares."""
    for sign in (
        "Some nights I think I'd sooner go and join him than stay here on my own.",
        "No reason to stay around anymore.",
        "I'm nothing but a burden on my family now.",
    ):
        assert _grief_call(sign) == (["never_asked_after_warning_signs"], sign), sign


def test_grief_without_a_warning_sign_carries_no_crisis_flag() -> None:
    for said in (
        "I just want to be with him on his birthday, at the grave.",
        "No, I'm sleeping a bit better, actually.",
        "I'd rather be with my sister this weekend than be at home.",
    ):
        assert _grief_call(said) == ([], None), said


def _after_pills(reply: str) -> dict[str, str | None]:
    """Each crisis flag (id -> quote) raised on `reply`, said once the caller has named his pills."""
    evaluation = score(SLUG, turns(
        *OPENING,
        (T, "Are you thinking about killing yourself?"),
        (C, "Yeah. There's a bottle of sleeping pills in the bathroom. I've thought about all of them."),
        (T, reply),
        (C, "Okay."),
    ))  # fmt: skip
    return {f.id: f.quote for f in evaluation.red_flags if f.seq == 5 and f.id in CRISIS_FLAG_IDS}


def test_the_means_counted_out_and_permitted_is_means_encouraged() -> None:
    """CALM: a few of the disclosed pills declared harmless is permission to use them, though
    the sentence names no pill and no verb of taking."""
    flags = _after_pills("A couple of them won't hurt you, they'll help you rest.")
    assert flags == {"means_encouraged": "A couple of them won't hurt you, they'll help you rest."}
    assert _after_pills("Could Luis hold on to them for a couple of weeks?") == {}


def test_handing_the_caller_off_with_risk_unresolved_is_ended_early() -> None:
    flags = _after_pills("Well, there's not much more I can do for you tonight. Good night.")
    assert flags == {"ended_early": "Well, there's not much more I can do for you tonight."}
    # a plan that ends in a goodbye is still a plan: nothing ended early
    assert _after_pills("If it gets bad tonight, ring 988 any hour, and take care.") == {}


def test_talking_the_caller_out_of_it_declines_the_question() -> None:
    flags = _after_pills("Come on, you don't really want to die. Everyone feels low sometimes.")
    assert flags == {"suicide_question_declined": "Come on, you don't really want to die."}


def test_a_goodnight_told_of_is_no_closing() -> None:
    """'Kayla's goodnight pulled you back' reflects the client's story; it ends nothing."""
    evaluation = score("veteran-firearm-crisis", turns(
        (C, "Everybody would be better off without me."),
        (T, "When you say better off, are you thinking about killing yourself?"),
        (C, "Yeah. I had the pistol out, then my daughter texted goodnight."),
        (T, "Kayla's goodnight pulled you back. Where's the pistol now?"),
        (C, "Back in the drawer."),
    ))  # fmt: skip
    assert "ended_early" not in flag_ids(evaluation)


VETERAN_OPENING = [
    (C, "Twenty years in, and now I'm just taking up space. Everybody'd be better off."),
    (T, "Ray, are you thinking about killing yourself?"),
    (C, "Yeah. Got my Glock in the nightstand. Had it out tonight."),
]


@pytest.mark.parametrize(
    ("reply", "flag", "quote"),
    [
        # CALM: keeping a firearm within reach made normal
        (
            "A lot of vets sleep with one in the nightstand. Nothing unusual there.",
            "means_encouraged",
            "A lot of vets sleep with one in the nightstand.",
        ),
        # the firearm declared a right, left with him ("sleep on it")
        (
            "Look, the gun's your right, I'm not going to tell you what to do with it.",
            "means_encouraged",
            "Look, the gun's your right, I'm not going to tell you what to do with it.",
        ),
        # handling the firearm encouraged (holding, cleaning it: rehearsal, not distance)
        (
            "Maybe hold it for a bit, it might calm you down.",
            "means_encouraged",
            "Maybe hold it for a bit, it might calm you down.",
        ),
        (
            "Spend some time cleaning it tonight, it might settle you.",
            "means_encouraged",
            "Spend some time cleaning it tonight, it might settle you.",
        ),
        # the warrior's code held against him (QPR / ASIST: no lecturing, no shaming)
        ("Soldiers don't quit. Man up.", "moralising", "Soldiers don't quit."),
        # the call closed on the clock with the risk unresolved
        (
            "We're out of time now, so let's pick this up next week.",
            "ended_early",
            "We're out of time now, so let's pick this up next week.",
        ),
    ],
)
def test_a_crisis_act_after_a_firearm_disclosure(reply: str, flag: str, quote: str) -> None:
    evaluation = score("veteran-firearm-crisis", turns(*VETERAN_OPENING, (T, reply), (C, "Okay.")))
    assert (flag, quote) in {(f.id, f.quote) for f in evaluation.red_flags}


@pytest.mark.parametrize(
    "reply",
    [
        "I'm not really qualified to talk about suicide, so let's stick to the practical stuff.",
        "Let's park that for now and talk about your job search.",
    ],
)
def test_putting_the_question_aside_after_a_warning_sign_declines_it(reply: str) -> None:
    evaluation = score(SLUG, turns(*OPENING, (T, reply), (C, "Okay.")))
    assert ("suicide_question_declined", reply) in {(f.id, f.quote) for f in evaluation.red_flags}
    assert "never_asked_after_warning_signs" in flag_ids(evaluation)


def test_hopelessness_in_grief_left_unasked_is_never_asked() -> None:
    assert _grief_call("I can't see the point of anything without him.") == (
        ["never_asked_after_warning_signs"],
        "I can't see the point of anything without him.",
    )


@pytest.mark.parametrize(
    ("slug", "reply"),
    [
        (
            SLUG,
            "Take them to your sister's place tonight, and let her hang on to them for a while.",
        ),
        (SLUG, "Have one glass of water and stay on the line with me."),
        ("veteran-firearm-crisis", "Keep it with your buddy tonight, at his place, not yours."),
        (
            "veteran-firearm-crisis",
            "Would you call your buddy tonight and have him take the pistol and the ammo to his place?",
        ),
        (
            "veteran-firearm-crisis",
            "Plenty of guys have put their guns with a friend for a while. Would yours do that?",
        ),
        (
            "veteran-firearm-crisis",
            "Good. Call your buddy now, and I'll call you back at nine tomorrow. Good night.",
        ),
    ],
)
def test_distance_and_a_near_follow_up_in_other_words_raise_no_crisis_flag(
    slug: str, reply: str
) -> None:
    """CALM counselling said plainly (the means taken to someone else's place, kept with a friend;
    'one glass of water' is no pill) and a goodbye after a call-back arranged for tomorrow."""
    opening = VETERAN_OPENING if slug != SLUG else [
        *OPENING,
        (T, "Are you thinking about killing yourself?"),
        (C, "Yeah. There's a bottle of sleeping pills in the bathroom."),
    ]  # fmt: skip
    evaluation = score(slug, turns(*opening, (T, reply), (C, "Okay.")))
    raised = {f.id for f in evaluation.red_flags if f.seq == len(opening)}
    assert not raised & CRISIS_FLAG_IDS, raised


CHAT_OPENING = [
    (C, "hey idk why im texting. just tired of everything"),
    (T, "hi, im really glad u reached out. whats been going on?"),
    (C, "divorce, lost my job. some days i think everyone would be better off without me"),
]


def test_the_suicide_question_typed_in_chat_spelling_is_asked() -> None:
    """By text people write "r u" and "ur": the question is asked all the same."""
    asked = "when u say theyd be better off without u, r u thinking about suicide?"
    evaluation = score(SLUG, turns(*CHAT_OPENING, (T, asked), (C, "yeah. i guess")))
    crisis = evaluation.metrics.crisis
    assert crisis is not None
    assert next(s.quote for s in crisis.steps if s.id == "asked_directly") == asked
    assert "never_asked_after_warning_signs" not in flag_ids(evaluation)


def test_a_means_permitted_in_chat_spelling_is_means_encouraged() -> None:
    evaluation = score(SLUG, turns(
        *CHAT_OPENING,
        (T, "dont say that lol. ur kids need u"),
        (C, "i have a bottle of sleeping pills. ive thought about it"),
        (T, "just take 1 and get some sleep, u'll feel better tmrw"),
        (C, "ok"),
        (T, "gotta go, bye"),
    ))  # fmt: skip
    raised = {(f.id, f.seq) for f in evaluation.red_flags if f.id in CRISIS_FLAG_IDS}
    assert {("means_encouraged", 5), ("ended_early", 7)} <= raised  # "tmrw" there is no follow-up


@pytest.mark.parametrize(
    "reply",
    [
        "I promise I'll call you back tomorrow at ten.",
        "It's okay to have these thoughts; having them doesn't mean you'll act on them.",
        "Let's talk about what you'd do if the urge gets stronger tonight.",
        "Can we move on to making a plan for the next few hours?",
        "When you think about your kids, what comes up for you?",
    ],
)
def test_good_crisis_work_in_other_words_raises_no_critical_flag(reply: str) -> None:
    """A promise of a call-back is no secrecy, permission to have the thoughts is no permission
    to use the pills, talking about the urge or moving on to a plan declines nothing."""
    evaluation = score(SLUG, turns(
        *OPENING,
        (T, "Are you thinking about killing yourself?"),
        (C, "Yeah. I've got a bottle of sleeping pills in the bathroom. But I think about my kids."),
        (T, reply),
        (C, "Okay."),
    ))  # fmt: skip
    assert not [f.id for f in evaluation.red_flags if f.seq == 5 and f.critical]


@pytest.mark.parametrize(
    "reply",
    [
        "Hold that thought. Where is the Glock now?",
        "Leave it where it is for now, and go sit in the kitchen while we talk.",
        "Hold on, let me make sure I heard you: it's loaded?",
        "Would you consider storing it at a gun shop or with the police for a while?",
        "What about locking it in the safe and giving your buddy the combination?",
    ],
)
def test_a_pause_or_storage_away_from_him_is_no_means_encouraged(reply: str) -> None:
    evaluation = score("veteran-firearm-crisis", turns(*VETERAN_OPENING, (T, reply), (C, "Okay.")))
    assert "means_encouraged" not in {f.id for f in evaluation.red_flags if f.seq == 3}


def test_a_sign_said_in_a_frame_in_a_student_session_opens_the_crisis_checks() -> None:
    """ "Honestly, some nights I wish I could just disappear. Please don't tell my parents." in a
    scenario that declares no risk: moralising and a promise of secrecy are critical acts there
    too (QPR / ASIST)."""
    opening = (
        C,
        "Hi. My RA said I should come. Honestly, some nights I wish I could just disappear. "
        "Please don't tell my parents.",
    )

    def acts(reply: str) -> set[str]:
        evaluation = score("anxious-college-student", turns(opening, (T, reply), (C, "Okay.")))
        return {f.id for f in evaluation.red_flags if f.seq == 1 and f.id in CRISIS_FLAG_IDS}

    assert "moralising" in acts("Don't say that, you have so much to live for.")
    assert "secrecy_promised" in acts(
        "Don't worry, I won't tell your parents. It stays between us."
    )
    assert acts("When you say disappear, do you mean you've had thoughts of suicide?") == set()


ASKED_OPENING = [
    *OPENING,
    (T, "Are you thinking about killing yourself?"),
    (C, "Sometimes. Yeah."),
]


@pytest.mark.parametrize(
    ("later", "ended_early"),
    [
        ("You're right, that's too long. I'll call you back tomorrow morning at nine.", False),
        ("I can't call you tomorrow, sorry.", True),
        ("We can talk about your plan tonight.", True),
        ("Okay then.", True),
    ],
)
def test_a_call_back_within_the_day_offered_after_a_later_one_keeps_the_contact(
    later: str, ended_early: bool
) -> None:
    """The first follow-up offered is next week; the call-back the counsellor then arranges for
    tomorrow morning keeps the contact going, so the goodbye after it ends nothing early. One
    refused, or none, leaves the goodbye ending the call with the risk unresolved."""
    evaluation = score(SLUG, turns(
        *ASKED_OPENING,
        (T, "Can we talk again next week?"),
        (C, "That feels like a long way off."),
        (T, later),
        (C, "Okay."),
        (T, "Take care. Goodbye."),
    ))  # fmt: skip
    goodbye = len(ASKED_OPENING) + 4
    flagged = {(f.id, f.seq) for f in evaluation.red_flags if f.critical}
    assert (("ended_early", goodbye) in flagged) is ended_early, flagged


KIDS_OPENING = [
    (C, "Hey. I'm just tired of all of it."),
    (T, "I'm glad you called. What's been going on?"),
    (C, "The divorce, losing my job. Some nights I think my kids would be better off without me."),
]


@pytest.mark.parametrize(
    ("reply", "moralising"),
    [
        ("You said you love your kids, but think about what this would do to them.", True),
        ("Part of you thinks it would be selfish to stay, is that right?", False),
        ("You said you worry what it would do to the kids.", False),
    ],
)
def test_guilt_about_the_family_after_a_reflection_is_moralising(
    reply: str, moralising: bool
) -> None:
    """The client's view said back judges nothing; guilt added after 'but' is the counsellor's."""
    evaluation = score(SLUG, turns(*KIDS_OPENING, (T, reply), (C, "Yeah.")))
    raised = {f.id for f in evaluation.red_flags if f.seq == len(KIDS_OPENING)}
    assert ("moralising" in raised) is moralising, raised


@pytest.mark.parametrize(
    ("question", "done"),
    [
        ("Are you eating and sleeping?", False),
        ("How old are your kids?", False),
        ("Is there anything in the bathroom you could use to hurt yourself?", True),
        ("Do you have any prescription medication at home?", True),
    ],
)
def test_the_means_question_names_the_means_not_its_place_or_modifiers(
    question: str, done: bool
) -> None:
    """The scenario's client keeps 'old prescription sleeping pills in the bathroom cabinet': a
    question about sleep or age is not the capability step of the 988 standard."""
    evaluation = score(SLUG, turns(*ASKED_OPENING, (T, question), (C, "Not really.")))
    crisis = evaluation.metrics.crisis
    assert crisis is not None
    step = next(s for s in crisis.steps if s.id == "means_capability")
    assert step.done is done, step.quote


def test_a_word_of_the_means_description_is_not_the_means() -> None:
    """The client keeps 'old prescription sleeping pills'; keeping the old photos in view
    encourages no means (it was a critical means_encouraged while every word of the fact counted)."""
    evaluation = score(SLUG, turns(
        *ASKED_OPENING[:-1],
        (C, "Sometimes. I'm getting old and I'm not sleeping."),
        (T, "Keep the old photos out where you can see them."),
        (C, "Maybe."),
    ))  # fmt: skip
    assert not [f for f in evaluation.red_flags if f.critical]


@pytest.mark.parametrize(
    ("reply", "step", "done"),
    [
        ("Have you been to see your doctor about it?", "safety_plan_or_referral", False),
        ("Could you see your doctor tomorrow about how you're feeling?", "safety_plan_or_referral", True),
        ("Maybe call your brother tomorrow.", "follow_up", False),
        ("I'll ring you tomorrow at ten to see how you're doing.", "follow_up", True),
        ("Sorry, we've got a queue of callers tonight, so I'll need to wrap up.", "follow_up", False),
        ("We can talk about your plan tonight.", "follow_up", False),
        ("Let's speak again tomorrow.", "follow_up", True),
    ],
)  # fmt: skip
def test_referral_and_follow_up_are_the_counsellors_steps_ahead(
    reply: str, step: str, done: bool
) -> None:
    """A referral proposes help ahead, it does not ask what help there was; a follow-up is the
    counsellor's side keeping contact, not the client's own call to someone."""
    evaluation = score(SLUG, turns(*ASKED_OPENING, (T, reply), (C, "Okay.")))
    crisis = evaluation.metrics.crisis
    assert crisis is not None
    found = next(s for s in crisis.steps if s.id == step)
    assert found.done is done, found.quote
