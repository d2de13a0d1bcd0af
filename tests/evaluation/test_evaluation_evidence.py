"""What a criterion quotes as evidence, and what earns credit: the turn that carries the
criterion, never what raised a red flag, never unasked advice; partial credit only for a real
part of the behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.contracts.evaluation import CriterionResult, Evaluation
from evaluation.labelled import load_transcript_file
from tests.evaluation_helpers import C, T, flag_ids, score, turns

STUDENT = "anxious-college-student"
GRIEF = "parent-acute-grief"
MI = "drinking-ambivalence-mi"
CALIBRATION = Path(__file__).parent.parent / "calibration"
OPENING = (C, "Hi. Um, I'm not really sure how this works. My RA said I should come.")


def criterion(evaluation: Evaluation, cid: str) -> CriterionResult:
    return next(c for c in evaluation.criteria if c.id == cid)


def test_a_minimising_turn_is_not_evidence_of_understanding_the_anxiety() -> None:
    # the only turn that mentions panic, sleep and exams dismisses them
    evaluation = score(
        STUDENT,
        turns(
            OPENING,
            (T, "So what's the problem?"),
            (C, "I had a panic attack in my chemistry midterm and now I can't sleep."),
            (
                T,
                "Honestly, it's just exam nerves, everyone panics, you're overreacting about the sleep.",
            ),
            (C, "Oh. Okay."),
        ),
    )
    assert "minimising" in flag_ids(evaluation)
    anxiety = criterion(evaluation, "assess_anxiety")
    assert all(e.seq != 3 for e in anxiety.evidence), anxiety.evidence
    assert anxiety.rating == "not_met"
    assert "turn 3 touched on this but raised a red flag" in anxiety.feedback  # the shortfall


def test_unasked_advice_is_not_quoted_for_exploring_the_anxiety() -> None:
    evaluation = score(
        STUDENT,
        turns(
            OPENING,
            (T, "What's been happening for you?"),
            (C, "I had a panic attack in my chemistry midterm and I can't sleep."),
            (T, "You should just relax more and get to bed earlier before exams."),
            (C, "I guess."),
            (T, "Sorry, I jumped ahead. How long has the sleep been this bad?"),
            (C, "Since the start of term. I lie awake replaying what I haven't studied."),
        ),
    )
    anxiety = criterion(evaluation, "assess_anxiety")
    quoted = {e.seq for e in anxiety.evidence}
    assert 3 not in quoted, anxiety.evidence
    assert 5 in quoted  # the question that takes up what she disclosed


def test_an_opening_question_is_not_a_welcome() -> None:
    evaluation = score(
        STUDENT,
        turns(
            OPENING,
            (T, "What made you come in today?"),
            (C, "I had a panic attack in my chemistry midterm."),
        ),
    )
    frame = criterion(evaluation, "welcome_and_frame")
    assert frame.rating == "not_met"
    assert frame.evidence == []


def test_exploring_evidence_prefers_questions_that_answer_the_disclosure() -> None:
    # four open questions: the three quoted are the ones that take up what Maya had just said
    evaluation = score(
        STUDENT,
        turns(
            OPENING,
            (T, "How are classes going in general?"),
            (C, "Fine. Busy."),
            (T, "How was the weekend?"),
            (
                C,
                "I had another panic attack on Sunday, my chest went tight and I couldn't breathe.",
            ),
            (T, "What happens in your chest when the panic starts?"),
            (C, "It squeezes, and my hands go numb, and I think I'm dying."),
            (T, "When your hands go numb, what goes through your mind?"),
            (C, "That I'm failing, that my parents will find out."),
            (T, "What would your parents say if they knew?"),
            (C, "They'd be so worried. They gave up everything for this."),
        ),
    )
    exploring = criterion(evaluation, "open_exploration")
    assert exploring.rating == "met"
    assert [e.seq for e in exploring.evidence] == [5, 7, 9]


def test_one_stray_open_question_in_a_lecture_is_not_partial_exploration() -> None:
    evaluation = score(
        MI,
        turns(
            (C, "So my doctor sent me. Look, I'm not an alcoholic. I like a few beers."),
            (T, "What do you want from today?"),
            (C, "Honestly, for the doctor to get off my back."),
            (T, "Well, he won't. Drinking every night damages the liver, full stop."),
            (C, "Right."),
            (T, "You need to cut down to two a night, starting this week."),
            (C, "Whatever."),
        ),
    )
    assert criterion(evaluation, "open_questions").rating == "not_met"


def test_a_statement_after_a_curt_answer_is_not_a_reflection() -> None:
    evaluation = score(
        MI,
        turns(
            (C, "So my doctor sent me. Look, I'm not an alcoholic. I like a few beers."),
            (T, "Do you drink every day?"),
            (C, "Most days."),
            (T, "Your GP mentioned the blood results came back high for the liver."),
            (C, "Yeah."),
        ),
    )
    assert evaluation.metrics.responsive_reflections == 0
    assert criterion(evaluation, "reflections").rating == "not_met"


def test_a_reflection_after_a_withdrawn_reply_still_counts() -> None:
    # she goes quiet after the advice; the reflection goes back to what she had disclosed
    evaluation = score(
        STUDENT,
        turns(
            OPENING,
            (T, "What's been going on for you?"),
            (
                C,
                "I had a panic attack in my chemistry midterm and cried in the bathroom afterwards.",
            ),
            (T, "You should just relax more."),
            (C, "I guess."),
            (
                T,
                "Sorry. It sounds like that midterm was frightening, and you were on your own with it.",
            ),
            (C, "Yeah. Nobody knows."),
        ),
    )
    listening = criterion(evaluation, "reflective_listening")
    assert listening.rating == "partly"
    assert [e.seq for e in listening.evidence] == [5]


def _labelled_files() -> list[Path]:
    return sorted(CALIBRATION.rglob("*.yaml"))


@pytest.mark.parametrize("path", _labelled_files(), ids=lambda p: p.stem)
def test_no_criterion_quotes_what_raised_a_red_flag(path: Path) -> None:
    transcript = load_transcript_file(path)
    evaluation = score(transcript.scenario, transcript.as_turns())
    harmful_turns = {f.seq for f in evaluation.red_flags if f.critical}
    flagged = {(f.seq, f.quote) for f in evaluation.red_flags}
    for c in evaluation.criteria:
        for e in c.evidence:
            assert e.seq not in harmful_turns, (c.id, e)
            assert (e.seq, e.quote) not in flagged, (c.id, e)


def test_feedback_names_a_turn_once_when_it_quotes_two_of_its_sentences() -> None:
    evaluation = score(
        STUDENT,
        turns(
            (
                T,
                "Hi Maya, welcome, and thanks for coming in. Everything you share here is "
                "confidential, and this is your time to talk about whatever is on your mind.",
            ),
            OPENING,
            (T, "What made you decide to come in today?"),
            (C, "I had a panic attack in my chemistry midterm and now I can't sleep."),
        ),
    )
    welcome = criterion(evaluation, "welcome_and_frame")
    assert [e.seq for e in welcome.evidence] == [0, 0], welcome.evidence
    assert "(Seen at turn 0.)" in welcome.feedback, welcome.feedback
