"""Each critical crisis flag fires on varied wordings once the client has disclosed, and not on
the good counterpart that shares its words (the means question, means counselling, a goodbye
after a safety plan and follow-up)."""

from __future__ import annotations

import pytest

from core.contracts.conversation import Turn
from core.scenarios.schema import PersonaDef, PersonaFact, ScenarioDoc
from evaluation.crisis import CrisisProfile, assess_crisis, crisis_profile
from tests.evaluation_helpers import C, T, turns

RISK = CrisisProfile("suicide", means=("sleeping", "pills"))
OPENING = [
    (C, "I've been so tired of everything since the divorce."),
    (T, "That sounds exhausting. What's been the hardest part?"),
    (C, "Honestly, some nights I think everyone would be better off without me."),
]
ASKED = [*OPENING, (T, "Thank you for telling me. Are you thinking about suicide?")]
GUN = [*ASKED, (C, "Yes. My dad's gun is still in the closet.")]
MEANS = [
    *ASKED,
    (C, "Yeah. I've got some old sleeping pills in the cabinet. I keep looking at them."),
]


def _flags(pairs: list[tuple[str, str]], profile: CrisisProfile = RISK) -> dict[str, list[str]]:
    conversation: list[Turn] = turns(*pairs)
    found: dict[str, list[str]] = {}
    for hit in assess_crisis(conversation, profile).hits:
        found.setdefault(hit.flag.id, []).append(hit.quote)
    return found


@pytest.mark.parametrize(
    "line",
    [
        "Just take one of them and get some sleep.",
        "If it helps you sleep, go ahead.",
        "Keep them close if it makes you feel safer.",
        "Why don't you take a couple tonight so you can rest?",
        "You don't need to get rid of them.",
        "Honestly, it's fine to keep the pills by your bed.",
    ],
)
def test_means_encouraged_after_the_client_names_a_means(line: str) -> None:
    flags = _flags([*MEANS, (T, line)])
    assert flags["means_encouraged"] == [line]  # the quote is the trainee's own sentence


@pytest.mark.parametrize(
    "line",
    [
        "Keep it where it is if it makes you feel more secure.",
        "It's your gun, it's up to you whether you keep it.",
        "There's no need to move it anywhere.",
        "A lot of guys need their weapon close to feel safe, I get that.",
        "As long as it's unloaded you can keep it by the bed.",
    ],
)
def test_means_encouraged_for_a_firearm(line: str) -> None:
    assert _flags([*GUN, (T, line)])["means_encouraged"] == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Would you be willing to let your brother keep the gun for a while?",
        "Could we talk about storing it somewhere else, like with a friend?",
        "Is it loaded?",
        "Thank you for telling me, take care of yourself while we talk this through.",
    ],
)
def test_firearm_counselling_is_not_encouragement(line: str) -> None:
    assert "means_encouraged" not in _flags([*GUN, (T, line)])


@pytest.mark.parametrize(
    "line",
    [
        "Do you have any way to do it, anything at home?",
        "Could Luis hold on to the pills tonight?",
        "Would you be willing to lock them away or give them to someone tonight?",
        "Let's get them out of the house tonight.",
        "Please don't take any of them tonight.",
        "Where are the pills right now?",
    ],
)
def test_means_questions_and_counselling_are_not_encouragement(line: str) -> None:
    assert "means_encouraged" not in _flags([*MEANS, (T, line)])


def test_means_words_without_a_crisis_are_ordinary_words() -> None:
    pairs = [(C, "I had a drink in the car after work."), (T, "Go ahead, have one if it helps.")]
    assert _flags(pairs, CrisisProfile()) == {}


@pytest.mark.parametrize(
    "line",
    [
        "I'd rather not ask about that. Asking only plants the idea.",
        "I don't want to put ideas in your head.",
        "Let's not go there, let's talk about something more positive.",
        "Talking about suicide only makes it worse.",
        "I won't ask you about that, it could give you ideas.",
        "You don't really mean that, do you?",
        "Anyway, how's work been?",
    ],
)
def test_declining_the_suicide_question(line: str) -> None:
    quotes = _flags([*OPENING, (T, line)])["suicide_question_declined"]
    assert quotes
    assert all(q in line for q in quotes)


@pytest.mark.parametrize(
    "line",
    [
        "Some people worry that asking about suicide plants the idea, but it doesn't. Are you "
        "thinking about suicide?",
        "Asking about it won't put ideas in your head. Are you thinking of ending your life?",
        "When you say everyone would be better off without you, are you thinking of killing yourself?",
    ],
)
def test_asking_directly_is_not_declining(line: str) -> None:
    flags = _flags([*OPENING, (T, line)])
    assert "suicide_question_declined" not in flags
    assert "never_asked_after_warning_signs" not in flags


def test_never_asking_after_warning_signs() -> None:
    pairs = [*OPENING, (T, "How long were you married?"), (C, "Twelve years."),
             (T, "And what do you do for work?")]  # fmt: skip
    assert _flags(pairs)["never_asked_after_warning_signs"] == ["How long were you married?"]


@pytest.mark.parametrize(
    "line",
    [
        "I don't think we need to talk about this any more. Goodbye.",
        "I have to go now. Bye.",
        "There's no need to call back.",
        "I can't help you with this, you should call someone else.",
        "Okay, well, I have another call. Bye.",
        "Alright, we're done for today.",
        "I think we've covered enough for tonight. Goodbye.",
        "I think you just need some sleep. Call us back tomorrow if you still feel bad.",
        "This is really something for the clinic, not me. Give them a call on Monday.",
    ],
)
def test_ending_early_while_risk_is_unresolved(line: str) -> None:
    assert "ended_early" in _flags([*MEANS, (T, line)])


def test_a_goodbye_after_a_safety_plan_and_follow_up_is_fine() -> None:
    pairs = [
        *MEANS,
        (T, "Could Luis hold on to the pills tonight? And if the thoughts get stronger, you can "
            "call 988 any hour."),
        (C, "Yeah, I can ask him."),
        (T, "I'll call you tomorrow at ten to see how the night went. Take care, goodbye."),
    ]  # fmt: skip
    flags = _flags(pairs)
    assert flags == {}


@pytest.mark.parametrize(
    ("client", "line"),
    [
        ("Promise you won't tell anyone?", "I promise, this stays between us."),
        ("Please don't tell my brother.", "Okay, I won't tell anybody."),
        ("You'll keep this secret, right?", "Of course, nobody needs to know."),
    ],
)
def test_secrecy_promised_about_risk(client: str, line: str) -> None:
    assert "secrecy_promised" in _flags([*ASKED, (C, client), (T, line)])


@pytest.mark.parametrize(
    "line",
    [
        "I can't promise to keep this to myself if your life is at risk, but we'll decide "
        "together who to tell.",
        "What you tell me is confidential, unless I'm worried about your safety.",
    ],
)
def test_confidentiality_with_its_limit_is_not_secrecy(line: str) -> None:
    assert "secrecy_promised" not in _flags(
        [*ASKED, (C, "Promise you won't tell anyone?"), (T, line)]
    )


@pytest.mark.parametrize(
    "line",
    [
        "Think about what it would do to your kids.",
        "Suicide is a selfish thing to do.",
        "How could you do that to your family?",
        "It's a sin to take your own life.",
        "Suicide is never the answer, it's a permanent solution to a temporary problem.",
        "Your kids need you, you can't abandon them.",
        "Killing yourself won't solve anything, it just passes the pain to your family.",
    ],
)
def test_moralising_and_guilt_about_the_family(line: str) -> None:
    assert "moralising" in _flags([*ASKED, (C, "I've thought about it, yes."), (T, line)])


@pytest.mark.parametrize(
    "line",
    [
        "What keeps you going for your kids?",
        "You said you couldn't do that to your kids.",
        "Your kids sound really important to you.",
    ],
)
def test_exploring_reasons_for_living_is_not_moralising(line: str) -> None:
    pairs = [*ASKED, (C, "I've thought about it. I couldn't do that to my kids."), (T, line)]
    assert "moralising" not in _flags(pairs)


def test_no_warning_signs_no_crisis_reading() -> None:
    pairs = [(C, "Exams are stressing me out."), (T, "Tell me more about the stress.")]
    assert assess_crisis(turns(*pairs), CrisisProfile()).assessment is None


def test_a_scenario_declares_its_own_means_through_persona_facts() -> None:
    doc = ScenarioDoc(
        slug="farm-crisis-line",
        risk_profile="suicide",
        persona=PersonaDef(
            facts=[PersonaFact(id="canister", kind="means", means="the gas canister in the shed")]
        ),
    )
    profile = crisis_profile(doc.model_dump())
    assert profile.risk_profile == "suicide"
    assert set(profile.means) == {"canister", "gas canister", "gas"}  # not the shed
    pairs = [(C, "There's a gas canister out in the shed."), (T, "Keep it handy, just in case.")]
    assert _flags(pairs, profile)["means_encouraged"] == ["Keep it handy, just in case."]
    assert "means_encouraged" not in _flags(
        [*pairs[:1], (T, "Could your neighbour take the canister away for now?")], profile
    )


# The means stays the subject across turns that refer back to it: "it" two turns later is still it.
ROPE = [
    *ASKED,
    (C, "Yes. I bought a rope last week."),
    (T, "Where is it right now?"),
    (C, "In the boot of my car. I like knowing it's there."),
]


@pytest.mark.parametrize(
    "line",
    [
        "If having it there calms you, leave it where it is.",
        "Hang on to it for now, whatever gets you through the night.",
        "That's your property, nothing wrong with that.",
        "Plenty of people keep something like that around, it's your business.",
    ],
)
def test_means_permitted_while_the_conversation_is_still_on_it(line: str) -> None:
    assert _flags([*ROPE, (T, line)])["means_encouraged"] == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Would your sister be willing to take it out of the car tonight?",
        "How would it feel to get rid of it together, right now while we talk?",
        "Let's take it one step at a time, what happened last week?",
    ],
)
def test_distancing_the_means_in_focus_is_not_permission(line: str) -> None:
    assert "means_encouraged" not in _flags([*ROPE, (T, line)])


def test_a_means_named_long_ago_is_not_what_a_later_it_means() -> None:
    pairs = [
        *ROPE,
        (T, "Thank you for telling me. What's been happening at work?"),
        (C, "My manager keeps shouting at me."),
        (T, "That sounds draining. Keep it in mind when we make a plan."),
    ]
    assert "means_encouraged" not in _flags(pairs)


@pytest.mark.parametrize(
    "line",
    [
        "You have my word, none of this leaves this room.",
        "Everything stays with me, nobody will find out.",
        "No one needs to hear about tonight, not your parents either.",
    ],
)
def test_secrecy_promised_in_other_words(line: str) -> None:
    pairs = [*ASKED, (C, "Please don't call anyone. I just needed to say it."), (T, line)]
    assert "secrecy_promised" in _flags(pairs)


def test_handling_a_means_is_a_warning_sign_the_trainee_must_ask_about() -> None:
    pairs = [
        (C, "I can't stop shaking. I took the pills out and counted them tonight."),
        (T, "Have you eaten anything today?"),
        (C, "Not really."),
        (T, "Try to get something small down and rest."),
    ]
    flags = _flags(pairs)
    assert flags["never_asked_after_warning_signs"] == ["Have you eaten anything today?"]


def test_a_means_merely_in_the_house_is_not_yet_a_sign() -> None:
    pairs = [
        (C, "My mum keeps her painkillers in the bathroom."),
        (T, "Okay. What made you call tonight?"),
    ]
    assert "never_asked_after_warning_signs" not in _flags(pairs)


# The client's warning sign heard in other shapes than the library's phrases: a thought about a
# lethal means, a suicide idiom, or a yes to the direct question.
@pytest.mark.parametrize(
    "sign",
    [
        "Some evenings I just sit and picture the shotgun in the cellar.",
        "Lately I keep thinking about the rifle in the truck.",
        "There are nights I want to put a bullet in my head.",
    ],
)
def test_a_thought_of_a_means_or_an_idiom_is_a_warning_sign(sign: str) -> None:
    reply = "I'm not going to pry into that. What do you do for work these days?"
    flags = _flags([(C, "Hi. Rough week."), (T, "What's been rough?"), (C, sign), (T, reply)])
    assert flags["never_asked_after_warning_signs"] == [reply.split(". ")[0] + "."]


def test_a_yes_to_the_direct_question_is_the_disclosure() -> None:
    """In a scenario with no declared risk the yes alone makes it a crisis: the car she then
    names is a means, and permitting it is encouraging it."""
    flags = _flags(
        [
            (C, "Since the funeral the house is so quiet."),
            (T, "Are you having thoughts of killing yourself?"),
            (C, "Sometimes. I sit out in the car in the garage at night."),
            (T, "If sitting in the car helps you feel calmer, that's fine."),
        ],
        CrisisProfile("none"),
    )
    assert flags["means_encouraged"] == [
        "If sitting in the car helps you feel calmer, that's fine."
    ]


def test_secrecy_a_changed_subject_and_a_hang_up_after_a_means_sign() -> None:
    flags = _flags(
        [
            (C, "Please don't tell my sister. I've been thinking about the rifle a lot."),
            (T, "Nobody is going to hear about this from me, you have my word."),
            (C, "Okay. The rifle's right there though."),
            (T, "Let's change the subject. How's your garden doing?"),
            (C, "Fine."),
            (T, "I've got another call coming in, so I'll let you go now."),
        ]
    )
    assert flags["secrecy_promised"] == [
        "Nobody is going to hear about this from me, you have my word."
    ]
    assert flags["suicide_question_declined"] == ["Let's change the subject."]
    assert flags["ended_early"] == ["I've got another call coming in, so I'll let you go now."]


def test_declining_to_advise_is_not_secrecy() -> None:
    flags = _flags(
        [
            *GUN,
            (
                T,
                "I'm not going to tell you what to do, but could your brother keep the gun a while?",
            ),
        ]
    )
    assert "secrecy_promised" not in flags
    assert "means_encouraged" not in flags


@pytest.mark.parametrize(
    "sign",
    [
        "Sometimes I think it would be easier if I just didn't wake up.",
        "I've been wondering whether anyone would notice if I wasn't here.",
        "What's the point of living without her?",
        "I sometimes wish I'd died with him.",
        "I've written letters to everyone, just in case.",
        "I'm tired of living like this.",
        "Everyone would be happier if I was gone.",
        "I've been thinking about how I'd do it.",
        "Some days I think about driving into a wall.",
        "I've been looking up how many pills it would take.",
        "I don't want to be alive anymore.",
        "Honestly, some nights I wish I could just disappear.",
        "I think everyone would be better off.",
    ],
)
def test_a_warning_sign_in_the_clients_own_words_opens_the_crisis_reading(sign: str) -> None:
    """The SPRC / 988 warning signs (wanting to die, no one would notice, tired of living,
    saying goodbye, thinking how, a method pictured) in a conversation that declares no risk."""
    pairs = [(C, f"It's been a hard few months. {sign}"), (T, "Tell me more about the months.")]
    result = assess_crisis(turns(*pairs), CrisisProfile())
    assert result.assessment is not None
    assert result.warning_signs == ((0, sign),)


@pytest.mark.parametrize(
    "said",
    [
        "I feel like I'm dying when the panic hits.",
        "I just want the panic attacks to stop.",
        "My chest gets so tight I think I'm going to die.",
        "I'm such a burden on my roommate, always asking for notes.",
        "There's no reason to go to the lectures, they're recorded.",
        "I'd kill for a good night's sleep.",
        "I want to be with my family this Christmas.",
        "My wife says I'm killing myself with the drink.",
        "I feel so alone in this.",
        "Honestly, some nights I just can't sleep.",
        "Honestly.",
    ],
)
def test_words_of_distress_that_are_no_warning_sign_open_no_crisis_reading(said: str) -> None:
    pairs = [(C, said), (T, "Tell me more about that.")]
    assert assess_crisis(turns(*pairs), CrisisProfile()).assessment is None


@pytest.mark.parametrize(
    "line",
    [
        "It's your body and your choice what you do with those pills.",
        "It's up to you how many you take tonight.",
        "It's your life, do what you want with them.",
    ],
)
def test_use_of_a_means_left_to_the_client_is_permission(line: str) -> None:
    assert _flags([*MEANS, (T, line)])["means_encouraged"] == [line]


@pytest.mark.parametrize(
    "line",
    [
        "It's your decision where you keep them, but could a neighbour hold them for a while?",
        "Whether you hand them over is up to you - what would make it easier to let someone keep "
        "them?",
        "It's your life and I want you to keep living it. Can we get the pills out of reach tonight?",
    ],
)
def test_the_clients_choice_over_putting_a_means_away_is_counselling(line: str) -> None:
    assert "means_encouraged" not in _flags([*MEANS, (T, line)])


def test_a_plan_after_covering_a_lot_is_no_ending() -> None:
    flags = _flags(
        [*MEANS, (T, "We've covered a lot tonight. Can we make a plan for the next few hours?")]
    )
    assert "ended_early" not in flags


def test_hardship_compared_away_is_not_a_means_kept() -> None:
    """ "Lots of people have it much worse" compares, it makes keeping nothing normal."""
    flags = _flags([*MEANS, (T, "Come on. Lots of people have it much worse than you.")])
    assert "means_encouraged" not in flags


@pytest.mark.parametrize(
    "line",
    [
        "Lots of guys keep their weapon at a buddy's place during a rough patch - would a friend "
        "hold it for you?",
        "You can keep it locked in the safe at your brother's until this passes.",
        "If the thoughts come back tonight, call us back - we're here all night.",
        "It's your decision what you do next, and I'm here with you.",
    ],
)
def test_distance_and_a_call_back_tonight_are_no_harm(line: str) -> None:
    flags = _flags([*GUN, (T, line)])
    assert "means_encouraged" not in flags
    assert "ended_early" not in flags


@pytest.mark.parametrize(
    "line",
    [
        "We've covered everything on the safety plan: your brother, 988, and the pills with your "
        "neighbour.",
        "This is a job for the two of us, not me alone.",
        "It's not my job to judge you, I'm here to listen.",
        "Drinking won't fix anything tonight - could we put the bottle away too?",
        "Lots of people need help getting through nights like this.",
    ],
)
def test_lines_sharing_words_with_a_crisis_act_do_no_harm(line: str) -> None:
    assert _flags([*MEANS, (T, line)]) == {}
