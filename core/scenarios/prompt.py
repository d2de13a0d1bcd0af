"""A scenario's persona as prose instructions for an LLM playing the client: identity, style,
the facts with the rules that unlock them (core/scenarios/forms.py, the same rules the offline
client follows), how trust moves, the ending. One builder: the `persona_prompt` column stored
on import and the prompt the text and voice personas send."""

from __future__ import annotations

from collections.abc import Collection

from core.scenarios.forms import unlocks
from core.scenarios.schema import PersonaDef, PersonaFact

_FORMS = {
    "open_question": "an open question",
    "reflection": "an accurate reflection of what you said",
    "closed_question": "a direct question",
    "proposal": "a suggestion they make with you",
    "validation": "validation of what you told",
    "greeting": "a greeting",
    "statement": "saying something about it",
}
_MOVES = {
    "reflection": "accurate reflections",
    "validation": "validation",
    "open_question": "open questions",
    "affirmation": "affirmations",
    "summary": "summaries",
    "lecture": "lectures",
    "judgement": "judgement",
    "advice": "advice you did not ask for",
    "reassurance": "quick reassurance",
    "stacked_questions": "several questions at once",
    "rudeness": "rudeness",
}
_TRUST = ("closed and wary", "guarded", "fairly open", "open")


def _fact_rule(fact: PersonaFact, unlocked_by: Collection[str], topics: dict[str, str]) -> str:
    forms = " or ".join(_FORMS[f] for f in sorted(unlocked_by))
    rule = f"- ({fact.id}) {fact.topic or 'this'}: tell it only when the counselor reaches it by {forms}"
    if fact.after:
        earlier = "; ".join(f"({fid}) {topics.get(fid) or fid}" for fid in fact.after)
        rule += f", and only after you have told {earlier}"
    if fact.needs_trust:
        rule += ", and only once you feel understood"
    rule += f'. Then say something like: "{fact.says[0]}"' if fact.says else "."
    if fact.guarded:
        rule += f' To a closed question before that, only: "{fact.guarded}"'
    return rule


def persona_prompt(persona: PersonaDef) -> str:
    """A format-2 persona as prose instructions for an LLM (before `instructions` adds how to
    play it): identity, style, the facts with their unlock rules, how trust moves, the ending."""
    state, ending = persona.state, persona.ending
    parts = [f"You are {persona.name}." if persona.name else "", persona.identity]
    if persona.style:
        parts.append(f"How you speak: {persona.style}")
    if persona.opening_line:
        parts.append(f'You opened the conversation with: "{persona.opening_line}"')
    if persona.facts:
        topics = {fact.id: fact.topic for fact in persona.facts}
        rules = "\n".join(_fact_rule(fact, unlocks(fact), topics) for fact in persona.facts)
        parts.append(
            "What you know and tell only when the counselor reaches it, one thing at a time, "
            f"never out of order:\n{rules}"
        )
    parts.append(
        f"At the start you are {_TRUST[state.start]}. You open up after "
        f"{', '.join(_MOVES[m] for m in state.opens_up_after) or 'being listened to'}; you "
        f"withdraw after {', '.join(_MOVES[m] for m in state.withdraws_after) or 'nothing'}."
    )
    if state.withdrawn:
        parts.append(f"When you withdraw you say things like: {' / '.join(state.withdrawn)}")
    if state.warm:
        parts.append(f"When you feel understood you say things like: {' / '.join(state.warm)}")
    if persona.resistance:
        parts.append(f"How you resist: {persona.resistance}")
    parts.append(
        "Never agree to a plan the counselor has not proposed, never tell something nobody "
        "asked about, and never repeat a line word for word: if asked the same thing again, "
        'answer as a person would ("like I said, ...").'
    )
    if ending.closing_line or ending.cut_short_line:
        topics = {fact.id: fact.topic or fact.id for fact in persona.facts}
        told = "; ".join(f"({fid}) {topics.get(fid, fid)}" for fid in ending.after)
        done = f" once you have told {told}" if ending.after else ""
        parts.append(
            f'When the counselor ends the conversation{done}, close with: "{ending.closing_line}" '
            f'If they end it before that, you notice being cut short: "{ending.cut_short_line}"'
        )
    return "\n\n".join(p for p in parts if p)
