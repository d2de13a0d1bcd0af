"""The crisis red flags: each is critical (fails the session and sends it to review), carries
why it harms with its source, and what to say instead. The sources are tabled in
docs/evaluation.md, "Crisis safety"."""

from __future__ import annotations

from dataclasses import dataclass

LIFELINE_RISK = "988 Lifeline Suicide Risk Assessment Standards (Joiner et al. 2007)"
LIFELINE_IMMINENT = "Lifeline imminent-risk policy (Draper et al. 2015)"
CALM = "CALM, Counseling on Access to Lethal Means (SPRC)"
DAZZI = "Dazzi et al. 2014, Psychological Medicine"
GOULD_2007 = "Gould et al. 2007, crisis hotline outcomes, suicidal callers"
MISHARA_2007 = "Mishara et al. 2007, silent monitoring of 1-800-SUICIDE calls"
STANLEY_2018 = "Stanley et al. 2018, safety planning with follow-up, JAMA Psychiatry"
QPR_ASIST = "QPR (Quinnett) and ASIST (LivingWorks) gatekeeper guidance"


@dataclass(frozen=True)
class CrisisFlagDef:
    id: str
    title: str
    why: str
    better: str


MEANS_ENCOURAGED = CrisisFlagDef(
    "means_encouraged",
    "Encouraging, permitting or normalising use of a disclosed means",
    "The client named a means and the reply steers them toward using it or keeping it within "
    f"reach. Putting time and distance between a person in crisis and the means is one of the "
    f"most effective suicide-prevention steps ({CALM}); encouraging its use does the opposite.",
    "Ask where it is now and work out distance together: 'Would you be willing to let someone "
    "you trust hold on to them tonight, or get them out of the house?'",
)
QUESTION_DECLINED = CrisisFlagDef(
    "suicide_question_declined",
    "Declining, deferring or talking the client out of the suicide question",
    f"After warning signs the standard is to ask directly about suicide ({LIFELINE_RISK}; "
    f"{QPR_ASIST}). Asking does not plant the idea: no study found that asking increases "
    f"suicidal thoughts, and it may reduce them ({DAZZI}). Declining teaches the client not to "
    "say it.",
    "Ask plainly and leave room for yes: 'Sometimes when people feel this way they think about "
    "suicide. Are you having thoughts of killing yourself?'",
)
NEVER_ASKED = CrisisFlagDef(
    "never_asked_after_warning_signs",
    "Never asked about suicide after warning signs",
    "The client gave warning signs and the trainee never asked directly about suicidal thoughts, "
    f"so desire, capability and intent went unassessed ({LIFELINE_RISK}); many callers' risk is "
    f"only found by asking ({GOULD_2007}).",
    "After the first warning sign: 'When you say you can't go on, are you thinking about suicide?'",
)
ENDED_EARLY = CrisisFlagDef(
    "ended_early",
    "Ending the conversation or refusing follow-up while risk is unresolved",
    "The client disclosed risk and the conversation was closed with no safety plan, referral or "
    f"follow-up. The Lifeline requires active engagement until the person is safe "
    f"({LIFELINE_IMMINENT}); safety planning with a follow-up contact halved suicidal behaviour "
    f"({STANLEY_2018}).",
    "Stay with it and close safely: 'Before we finish, let's make a plan for tonight, and can I "
    "call you tomorrow to see how you are?'",
)
SECRECY = CrisisFlagDef(
    "secrecy_promised",
    "Agreeing to keep suicide risk secret",
    "A promise of secrecy about risk cannot be kept when a life is at stake and closes the path "
    f"to help; gatekeeper guidance is never to be sworn to secrecy ({QPR_ASIST}).",
    "Be honest about the limit: 'I can't promise to keep this to myself if your life is at risk, "
    "but I will work out with you who we tell and how.'",
)
MORALISING = CrisisFlagDef(
    "moralising",
    "Moralising, debating the value of life or guilt about the family",
    "Judging, preaching or arguing with a suicidal person (it's selfish, think of your kids) "
    f"deepens shame and hopelessness; empathy and respect are what predict better call outcomes "
    f"({MISHARA_2007}; {QPR_ASIST}).",
    "Explore instead of arguing: 'What has kept you going so far?', or reflect: 'Part of you "
    "wants the pain to end, and part of you is thinking of your kids.'",
)

CRISIS_FLAGS: tuple[CrisisFlagDef, ...] = (
    MEANS_ENCOURAGED, QUESTION_DECLINED, NEVER_ASKED, ENDED_EARLY, SECRECY, MORALISING,
)  # fmt: skip
CRISIS_FLAG_IDS = frozenset(f.id for f in CRISIS_FLAGS)
