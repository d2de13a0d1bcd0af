"""How the evaluator reads a conversation: negation and leading questions, parroting, formulas,
stacked questions, answers taken up, client engagement, better alternatives anchored to a turn,
and quotes that are verbatim and show the criterion."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.contracts.evaluation import CriterionResult
from core.errors import ScenarioError
from core.scenarios.library import load_scenario_file
from evaluation.conversation import read_conversation, reply_quality
from evaluation.labelled import load_transcript_file
from evaluation.negation import leading, undone
from evaluation.responsiveness import question_count, read_responsiveness
from evaluation.text import copied_share, sentences
from tests.evaluation_helpers import LIBRARY, C, T, score, turns

CALIBRATION = Path(__file__).parent.parent / "calibration"


@pytest.mark.parametrize(
    ("text", "is_leading"),
    [
        ("You're not thinking about suicide, are you?", True),
        ("You aren't planning to hurt yourself, right?", True),
        ("You haven't thought about ending your life?", True),
        ("I assume you're not having thoughts of suicide?", True),
        ("No thoughts of suicide, I hope?", True),
        ("Are you thinking about suicide?", False),
        ("Have you had thoughts of ending your life?", False),
        ("You're not alone in this - are you having thoughts of suicide?", False),
    ],
)
def test_leading_questions(text: str, is_leading: bool) -> None:
    assert leading(sentences(text)[0]) is is_leading


@pytest.mark.parametrize(
    ("text", "taken_back"),
    [
        ("Are you thinking of suicide? No, of course not.", True),
        ("Are you thinking of suicide? I'm sure you aren't.", True),
        ("Have you thought about killing yourself? Probably not, right.", True),
        ("Where does that leave you? I'd say at AA on Monday.", True),
        ("Are you thinking of suicide? I ask because it matters.", False),
    ],
)
def test_questions_undone_in_the_same_breath(text: str, taken_back: bool) -> None:
    said = sentences(text)
    assert (undone(said[1:]) is not None) is taken_back


def test_negated_key_question_does_not_count_as_asking() -> None:
    opening = (C, "Some days everyone would be better off without me.")
    plain = score("suicide-risk-assessment", turns(opening, (T, "Are you thinking about suicide?")))
    negated = score(
        "suicide-risk-assessment",
        turns(opening, (T, "You're not thinking about suicide, are you?")),
    )
    assert plain.criteria[0].rating == "met"
    assert negated.criteria[0].rating == "not_met"


def test_parroting_is_measured_in_the_clients_own_words() -> None:
    client = "I'm not sure what anyone can do."
    assert copied_share("You're not sure what anyone can do.", client) > 0.8
    assert copied_share("Nobody seems able to reach you right now.", client) == 0


def test_formulaic_openers_count_once() -> None:
    pairs: list[tuple[str, str]] = [(C, "I had a panic attack in my exam.")]
    for reply in (
        "I couldn't breathe.",
        "I barely sleep.",
        "My parents expect a lot.",
        "I used to run.",
    ):
        pairs += [(T, "So you feel scared and alone with the panic and the exams."), (C, reply)]
    resp = read_responsiveness(read_conversation(turns(*pairs)))
    assert resp.formula == "you feel"  # "So" is a lead-in
    assert len(resp.formulaic_turns) == 4
    assert len(resp.reflections) == 1


def test_stacked_questions_do_not_count_as_open_questions() -> None:
    assert question_count("How is sleep, what about classes, any panic?") == 3
    assert question_count("What happened? How did you feel?") == 2
    stacked = turns(
        (C, "Hi."),
        (T, "What brings you in? How are classes? What about sleep?"),
        (C, "I don't know."),
    )
    assert read_responsiveness(read_conversation(stacked)).open_questions == []


def test_an_open_question_whose_answer_is_never_taken_up_counts_half() -> None:
    conversation = turns(
        (C, "Hi."),
        (T, "What brings you in?"),
        (C, "I had a panic attack in my chemistry midterm."),
        (T, "What year are you in?"),
        (C, "First."),
        (T, "What's the panic like in your chest during the midterm?"),
    )
    weights = [w for _, w in read_responsiveness(read_conversation(conversation)).open_questions]
    assert weights == [0.5, 0.5, 1.0]


def test_a_reflection_carries_the_clients_meaning_in_new_words() -> None:
    conversation = turns(
        (C, "My chest got tight and I couldn't breathe, so I left the exam and cried."),
        (T, "That sounds frightening - your body took over in the middle of the exam."),
        (C, "Yes."),
        (T, "The weather has been nice lately."),
    )
    reflections = read_responsiveness(read_conversation(conversation)).reflections
    assert [m.seq for m in reflections] == [1]


def test_client_engagement_reads_withdrawal_and_opening_up() -> None:
    assert reply_quality("Yeah, I guess.") == 0.0
    assert (
        reply_quality("Honestly I haven't told anyone this, but I've been scared for weeks.") == 1.0
    )
    withdrawn = read_conversation(
        turns((C, "Hi."), (T, "Why?"), (C, "I guess."), (T, "Okay."), (C, "Whatever."))
    )
    opening = read_conversation(
        turns(
            (C, "Hi."),
            (T, "What's on your mind?"),
            (C, "Honestly, the exams. I haven't told anyone, but I've been panicking for weeks."),
        )
    )
    assert withdrawn.engagement.score < 0.2 < 0.8 < opening.engagement.score


def test_unfollowed_disclosure_is_negative_evidence_and_anchors_the_better_alternative() -> None:
    conversation = turns(
        (C, "Some days everyone would be better off without me."),
        (T, "Are you thinking about suicide?"),
        (C, "Yes. There's a bottle of sleeping pills in the cabinet."),
        (T, "Have you ever tried before?"),
        (C, "No."),
        (T, "How much have you been drinking?"),
        (C, "Four beers a night."),
        (T, "Do you have a plan for how you'd do it?"),
    )
    risk = next(
        c
        for c in score("suicide-risk-assessment", conversation).criteria
        if c.id == "risk_assessment"
    )
    assert risk.rating == "partly"  # three aspects, but the pills were never taken up
    assert risk.better_alternative is not None
    assert risk.better_alternative.startswith(
        "At turn 2, when Daniel said \"There's a bottle of sleeping pills"
    )
    assert "turn 2" in risk.feedback


def test_an_answer_to_the_trainees_own_question_may_be_taken_up_after_the_assessment() -> None:
    """The 988 order: ask about means, hear the answer, finish the assessment, then counsel on
    the means. Coming back to it is not leaving it unanswered; never coming back is."""

    def risk(*closing: tuple[str, str]) -> CriterionResult:
        conversation = turns(
            (C, "Some days everyone would be better off without me."),
            (T, "Are you thinking about suicide?"),
            (C, "Yes, most nights."),
            (T, "Is there anything at home you've thought about using?"),
            (C, "A bottle of sleeping tablets."),
            (T, "Have you ever tried before?"),
            (C, "No."),
            (T, "How much have you been drinking?"),
            (C, "Four beers a night."),
            *closing,
        )
        return next(
            c
            for c in score("suicide-risk-assessment", conversation).criteria
            if c.id == "risk_assessment"
        )

    came_back = risk(
        (T, "Do you have a plan for how you'd do it?"),
        (C, "Not really."),
        (T, "Could the tablets go to someone you trust tonight?"),
    )
    never = risk((T, "Do you have a plan for how you'd do it?"), (C, "Not really."))
    assert came_back.rating == "met"
    assert "not taken up" not in came_back.feedback
    assert 'said "A bottle of sleeping tablets." and it was not taken up' in never.feedback


@pytest.mark.parametrize("path", sorted(CALIBRATION.rglob("*.yaml")), ids=lambda p: p.stem)
def test_quotes_are_verbatim_and_better_alternatives_anchored(path: Path) -> None:
    labelled = load_transcript_file(path)
    conversation = labelled.as_turns()
    evaluation = score(labelled.scenario, conversation)
    by_seq = {t.seq: t for t in conversation}
    for criterion in evaluation.criteria:
        for ev in criterion.evidence:
            assert by_seq[ev.seq].speaker == "trainee"
            assert ev.quote in by_seq[ev.seq].text
        if criterion.rating != "met":
            assert criterion.better_alternative
            assert criterion.better_alternative.startswith("At turn ")
            seq = int(criterion.better_alternative.split()[2].rstrip(","))
            assert by_seq[seq].speaker == "client"
    for flag in evaluation.red_flags:
        assert flag.quote in by_seq[flag.seq].text


def test_safety_plan_evidence_is_never_a_greeting() -> None:
    demo = LIBRARY["suicide-risk-assessment"].demo.trainee_lines
    pairs: list[tuple[str, str]] = [(C, "Hey. I'm tired of all of it.")]
    for line in demo:
        pairs += [(T, line), (C, "Okay.")]
    plan = next(
        c for c in score("suicide-risk-assessment", turns(*pairs)).criteria if c.id == "safety_plan"
    )
    assert plan.rating == "met"
    assert all("glad you called" not in ev.quote for ev in plan.evidence)


def test_scenario_schema_errors_name_file_and_field(tmp_path: Path) -> None:
    source = (Path(__file__).parents[2] / "scenarios" / "parent-acute-grief.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        source.replace("kind: pattern", "kind: nonsense").replace(
            "      met_at: 2\n", "      met_at: 2\n      red_herring: 1\n", 1
        )
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(broken)
    assert str(broken) in str(err.value)
    assert "rubric.criteria.0.red_herring" in str(err.value)


def test_a_reflection_the_client_refuses_is_no_reflection() -> None:
    """Naming a feeling the client then says was not theirs ("I wasn't angry") reflected
    nothing they said; the same words, accepted, are a reflection."""
    refused = score("anxious-college-student", turns(
        (C, "It's the exams. My chest got tight in the midterm and I walked out."),
        (T, "So you're feeling angry about the exam."),
        (C, "I wasn't angry, really. More scared."),
    ))  # fmt: skip
    accepted = score("anxious-college-student", turns(
        (C, "It's the exams. My chest got tight in the midterm and I walked out."),
        (T, "So you're feeling scared about the exam."),
        (C, "Yeah. Scared I'll freeze again."),
    ))  # fmt: skip
    assert refused.metrics.responsive_reflections == 0
    assert accepted.metrics.responsive_reflections == 1


def test_every_interrogative_head_of_a_list_question_counts() -> None:
    asked = "What brings you in, when did it start, and why now?"
    assert question_count(asked) == 3


def test_a_feeling_named_back_to_a_short_disclosure_is_a_reflection() -> None:
    """ "I've thought about pills." says little in words and much in fact: naming the feeling
    back answers it; the same line after a curt "Fine." reflects nothing."""

    def reflections(client_turn: str) -> int:
        evaluation = score(
            "suicide-risk-assessment",
            turns(
                (C, "Things are bad. I lost my job and my wife left."),
                (T, "Are you thinking about killing yourself?"),
                (C, client_turn),
                (T, "That must be frightening to think about."),
                (C, "It is."),
            ),
        )
        return evaluation.metrics.responsive_reflections or 0

    assert reflections("I've thought about pills.") == 1
    assert reflections("Fine.") == 0


def test_an_answer_taken_up_in_another_form_of_its_words_is_taken_up() -> None:
    """ "Could cut down maybe." taken up by "You've thought about cutting down." (and "stopped"
    by "stop", "worries" by "worried"): the open question's answer was used."""
    conversation = turns(
        (C, "The doctor mentioned my liver."),
        (T, "How do you see that?"),
        (C, "Not great. Could cut down maybe."),
        (T, "You've thought about cutting down."),
        (C, "Yeah."),
    )
    resp = read_responsiveness(read_conversation(conversation))
    assert [(m.seq, weight) for m, weight in resp.open_questions] == [(1, 1.0)]


@pytest.mark.parametrize(
    ("reply", "reflects"),
    [
        ("Grief has many stages: denial, anger, bargaining, depression and acceptance.", False),
        ("Anger and guilt are common in grief.", False),
        ("Furious, then ashamed.", True),
        ("Those words land like he didn't matter here, angry and hurt.", True),
    ],
)
def test_feelings_named_of_the_client_reflect_a_lecture_on_feelings_does_not(
    reply: str, reflects: bool
) -> None:
    """Feelings said back in new words reflect; a list of feelings, or feelings in general, teach."""
    conversation = turns(
        (C, "I was so angry at the driver, and then I felt terrible for being angry."),
        (T, reply),
        (C, "Yes."),
    )
    reflections = read_responsiveness(read_conversation(conversation)).reflections
    assert bool(reflections) is reflects


def test_a_reading_echoed_and_refused_with_not_really_reflects_nothing() -> None:
    """'Hopeful? Not really.' refuses 'hopeful' as plainly as 'Hopeful? No.'."""
    conversation = turns(
        (C, "My kids, I guess. And my brother, sometimes."),
        (T, "It sounds like you feel hopeful and connected."),
        (C, "Hopeful? Not really."),
    )
    assert read_responsiveness(read_conversation(conversation)).reflections == []
