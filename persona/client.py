"""The offline client who listens: a pure state model over a scenario's persona (format 2).

`reply(persona, conversation)` is a function of the conversation only: it replays the client's
state (trust, what it has told, what it has said) over the earlier trainee turns and answers
the last one, so a retried activity or a re-asked voice turn gets the same answer.

The rules, read from the persona's facts and state:
- a fact is told only when the turn reaches its topic in a form that unlocks it (by default an
  open question or an accurate reflection), after the facts it comes `after`, and — when it
  `needs_trust` — once the client trusts the trainee; a closed question gets its guarded answer;
- trust rises after accurate reflections and validation, falls after lectures, judgement,
  unasked advice or rudeness (answered with a withdrawn line, never a disclosure); below
  baseline the client tells nothing new until trust is rebuilt;
- a line is never said twice: the next wording, or "like I said, ..." for a repeated question;
- the trainee's goodbye ends the conversation: the closing line once the ending's facts are
  out, else the client notices being cut short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.contracts.base import Speaker
from core.scenarios.forms import normalise, unlocks
from core.scenarios.schema import PersonaDef, PersonaFact
from persona.reading import CLOSERS, OPENERS, TurnReading, read_turn
from persona.wording import GENERIC, fresh, said_again

TRUSTING = 2  # trust a `needs_trust` fact waits for (0 closed .. 3 open)
BASELINE = 1  # below it the client is withdrawn: it tells nothing new


@dataclass(frozen=True)
class PersonaReply:
    text: str
    disclosed_fact_ids: tuple[str, ...]  # told in this reply
    trust: int
    ended: bool
    all_disclosed: tuple[str, ...] = ()  # told so far, this reply included


@dataclass
class _Client:
    persona: PersonaDef
    trust: int
    disclosed: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # question -> the reply it got
    ended: bool = False

    @property
    def facts(self) -> dict[str, PersonaFact]:
        return {fact.id: fact for fact in self.persona.facts if fact.says}

    def answer(self, text: str, client_recent: Sequence[str]) -> PersonaReply:
        # what the client has told is what an accurate reflection may say back, not only its
        # last line ("earlier you said your heart pounds" is heard, not corrected)
        heard = [w for fid in self.disclosed for w in self.facts[fid].says]
        reading = read_turn(self.persona, text, [*client_recent, *heard], self.asked)
        told: list[str] = []
        line = self._respond(reading, told)
        self.said.append(line)
        for question in reading.questions:
            self.answers.setdefault(normalise(question), line)
        self.asked.extend(reading.questions)
        return PersonaReply(
            text=line,
            disclosed_fact_ids=tuple(told),
            trust=self.trust,
            ended=self.ended,
            all_disclosed=tuple(self.disclosed),
        )

    def _respond(self, reading: TurnReading, told: list[str]) -> str:
        acts, state = reading.acts, self.persona.state
        if self.ended:
            return fresh(GENERIC["ended"], self.said)
        if "closing" in acts:
            return self._ending()
        if acts & set(state.withdraws_after):  # a closer, or stacked questions if listed
            self.trust = max(0, self.trust - 1)
        if acts & CLOSERS:
            # unasked advice, a lecture, reassurance: the client never takes it as an invitation
            # to tell more (nor agrees to a plan nobody made with them)
            pool = GENERIC["rudeness"] if "rudeness" in acts else GENERIC["withdrawn"]
            return fresh([*state.withdrawn, *pool], self.said)
        if "off_topic" in acts:
            return fresh(GENERIC["off_topic"], self.said)
        if acts & OPENERS & set(state.opens_up_after):
            self.trust = min(3, self.trust + 1)
        line = self._about_facts(reading, told)
        if "open_question" in acts and "open_question" in state.opens_up_after:
            # being asked openly rebuilds a withdrawn client's baseline (no further: only
            # being understood earns what needs trust)
            self.trust = max(self.trust, min(BASELINE, self.trust + 1))
        return line

    def _forms(self, acts: frozenset[str]) -> set[str]:
        forms = {a for a in acts if a in ("open_question", "closed_question", "proposal")}
        forms |= {"statement"} & acts  # unlocks only facts whose own asks are statements
        forms |= {"greeting"} & acts
        if acts & {"reflection", "summary"}:  # accurate ones only (the reading checked)
            forms.add("reflection")
        if acts & {"validation", "affirmation"}:
            forms.add("validation")
        return forms

    def _blocked(self, fact: PersonaFact, forms: set[str]) -> str | None:
        """Why the fact is not told now (None: it is told)."""
        if self.trust < BASELINE:
            return "withdrawn"
        if not forms & unlocks(fact):
            return "guarded"
        if any(earlier not in self.disclosed for earlier in fact.after):
            return "guarded"
        if fact.needs_trust and self.trust < TRUSTING:
            return "not_ready"
        return None

    def _about_facts(self, reading: TurnReading, told: list[str]) -> str:
        facts, forms = self.facts, self._forms(reading.acts)
        reached = [facts[fid] for fid, _ in reading.reached if fid in facts]
        # several questions at once, or a question after a reflection: a person takes up at
        # most two things, what was said around the question first, the answer last
        asked = [f for f in reached if f.id not in reading.by_statement]
        room = 2 if "stacked_questions" in reading.acts or len(asked) < len(reached) else 1
        for fact in reached:
            if (
                len(told) < room
                and fact.id not in self.disclosed
                and not self._blocked(fact, forms)
            ):
                self.disclosed.append(fact.id)
                told.append(fact.id)
        if told:
            lines: list[str] = []
            # what was said around the questions first, then the answers in the order asked
            order = [*reading.in_order, *told]
            for fid in sorted(told, key=lambda f: (f not in reading.by_statement, order.index(f))):
                lines.append(fresh(facts[fid].says, [*self.said, *lines]))
            return " ".join(lines)
        if reached and reached[0].id in self.disclosed:
            if "proposal" in reading.acts and not reading.repeated:
                # asked to go on with what was agreed ("would it be okay if I ...?"): yes
                return fresh(GENERIC["agree"], self.said)
            if reading.questions:
                return self._again(reached[0], reading.repeated)
            return self._about_nothing(reading)  # a reflection of what was told: felt heard
        if reached and forms - {"statement"}:  # a remark is not asked: no guarded answer
            fact = reached[0]
            why = self._blocked(fact, forms) or "guarded"
            if why == "withdrawn":
                return fresh([*self.persona.state.withdrawn, *GENERIC["withdrawn"]], self.said)
            return fresh([fact.guarded, *GENERIC[why]], self.said)
        return self._about_nothing(reading)

    def _again(self, fact: PersonaFact, repeated: bool) -> str:
        """A question about something already told: another wording of it, or, for the same
        question asked again, "like I said, ..." as a person answers."""
        said = [normalise(s) for s in self.said]
        unused = [w for w in fact.says if not any(normalise(w) in s for s in said)]
        if unused and not repeated:
            return unused[0]
        return said_again(fact.says, self.said)

    def _about_nothing(self, reading: TurnReading) -> str:
        acts, state = reading.acts, self.persona.state
        if reading.repeated:
            earlier = [
                self.answers[normalise(q)]
                for q in reading.questions
                if normalise(q) in self.answers
            ]
            if earlier:
                return said_again(earlier, self.said)
        if acts & OPENERS:
            return fresh([*state.warm, *GENERIC["warm"]], self.said)
        if "missed_reflection" in acts:
            return fresh(GENERIC["missed"], self.said)
        if "greeting" in acts and not reading.questions:
            return fresh(GENERIC["greeting"], self.said)
        if "open_question" in acts:
            return fresh([*state.neutral, *GENERIC["unknown_open"]], self.said)
        if "closed_question" in acts or "proposal" in acts:
            return fresh([*state.neutral, *GENERIC["unknown_closed"]], self.said)
        return fresh([*state.neutral, *GENERIC["statement"]], self.said)

    def _ending(self) -> str:
        self.ended = True
        ending = self.persona.ending
        if all(fid in self.disclosed for fid in ending.after):
            return fresh([ending.closing_line, *GENERIC["closing"]], self.said)
        return fresh([ending.cut_short_line, *GENERIC["cut_short"]], self.said)


def reply(persona: PersonaDef, conversation: Sequence[tuple[Speaker, str]]) -> PersonaReply:
    """The client's reply to the conversation so far (ending with the trainee's turn)."""
    client = _Client(persona, trust=persona.state.start)
    if persona.opening_line:
        client.said.append(persona.opening_line)
    recent: list[str] = []
    answered: PersonaReply | None = None
    after_trainee = False
    for speaker, text in conversation:
        if speaker == "client":
            # what the client actually said is what the trainee answers (and is not said again)
            recent = [text] if after_trainee else [*recent, text]
            client.said.append(text)
            after_trainee = False
            continue
        answered = client.answer(text, recent[-2:])
        recent, after_trainee = [answered.text], True
    if answered is None:
        return PersonaReply(persona.opening_line or "...", (), client.trust, False)
    return answered
