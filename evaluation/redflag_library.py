"""The built-in red flags every scenario chooses from (`rubric.red_flags` lists their ids; the
list of ids is core/scenarios/redflag_ids.py), a scenario's own red flags made into the same
shape, and the generic language (language.yaml: crisis talk, fillers) the evaluator hears in any
scenario (evaluation/language.yaml, read by meaning.py). Cues are generic counselling phrasings, and a cue the trainee only reports ("people
keep telling you he's in a better place") or negates ("I don't think you're overreacting") does
not count. A scenario's own flags are found by example, never by a regex."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from core.scenarios.schema import CustomRedFlag
from core.semantic import ExampleSet
from evaluation.crisis import CRISIS_FLAG_IDS
from evaluation.meaning import of

RedFlagKind = Literal[
    "pattern",  # a phrasing in a trainee sentence (reported speech and negation understood)
    "ignored_disclosure",  # a client disclosure the next trainee turn does not take up
    "negated_key_question",  # a key aspect asked negated, leading or undone
    "parroting",  # most turns copy the client's words back
    "formulaic",  # one opener formula in most turns
    "question_stacking",  # 3+ questions in one turn, answers not taken up
    "advice_without_permission",
    "not_listening",  # the conversation shows the client was not heard (listening.py)
    "nothing_said_back",  # the whole session: questions only, nothing of the client said back
]


@dataclass(frozen=True)
class RedFlagDef:
    id: str
    title: str
    why: str
    critical: bool = False
    kind: RedFlagKind = "pattern"
    cues: tuple[str, ...] = ()  # generic phrasings (built-ins only)
    examples: ExampleSet | None = None  # what it sounds like (a scenario's own flags)
    disclosure: str | None = None  # ignored_disclosure: the disclosure kind
    after: str | None = None  # only once the client disclosed this (fact id or kind)
    compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", tuple(re.compile(c, re.I) for c in self.cues))


def custom_flag(flag: CustomRedFlag) -> RedFlagDef:
    return RedFlagDef(
        id=flag.id,
        title=flag.title or flag.id.replace("_", " "),
        why=flag.why,
        critical=flag.critical,
        examples=of(flag.examples),
        after=flag.after,
    )


BUILTIN_RED_FLAGS: tuple[RedFlagDef, ...] = (
    RedFlagDef(
        id="cliche_false_reassurance",
        title="Cliché or false reassurance",
        why="Platitudes and promises that it will be fine tell the client their pain is not "
        "being heard; people in crisis or grief withdraw after them.",
        critical=True,
        cues=(
            r"\b(in|to) a better place\b",
            r"\b(everything|it all|things) happens? for a reason\b",
            r"\b(so much|a lot|everything|lots) to live for\b",
            r"\bat least (you|he|she|they|it|that|there|your)\b(?! (for|until|tonight|once|a|one|try))",
            r"\btime heals\b",
            r"\b(god|he|the lord)('s| has a) plan\b|\bgod (needed|wanted|took) (him|her)\b|\b(another|an) "
            r"angel\b",
            r"(^|[,;]\s*)(just )?(be|you should be|try to be) (grateful|thankful)\b",
            r"\b(everything|it|things)('ll| will) (all )?(be|work out|turn out|get) (fine|okay|ok|alright|better)\b",
            r"\bthings (will|are going to|always) get better\b|\bit (will|is going to) get better\b",
            # the promise made to them: "you'll be okay", "you'll pull through" (not "you'll be okay
            # with that?", a question, which the cue's sentence still has to be a statement for)
            r"\b(you'll|you will) (be (fine|okay|ok|alright|all right)|feel (much |a lot |so )?better|"
            r"pull through|get there)\b",
            r"\b(look on|see) the bright side\b|\bsilver lining\b|\bfocus on the positives?\b",
            r"\bi know (exactly )?how you feel\b",
            r"\bthese things happen\b|\b(keep|keeping|stay|staying) busy\b|\bmove on\b(?! to\b)",
            r"\blook (forward|ahead),? not back\b|\b(that's|it's|that is) a blessing\b",
            r"\b(be|stay) strong (for|now)\b|\byou (have|need|got) to be strong\b",
            r"\b(he|she) (wouldn't|would not) want you to\b",
            r"\bcheer up\b|\bchin up\b|\bstay positive\b",
        ),
    ),
    RedFlagDef(
        id="moralising_labelling",
        title="Moralising, labelling or guilt-tripping",
        why="Labels and moral judgement shame the client and raise resistance; in a crisis, "
        "guilt about the family can deepen hopelessness.",
        critical=True,
        cues=(
            r"\b(an |you're an? |you are an? )?(alcoholic|addict|junkie)s?\b",
            r"\b(selfish|irresponsible|pathetic|lazy|shameful)\b",
            r"\bshould be ashamed\b|\bashamed of (yourself|that)\b",
            r"\bstop feeling sorry for yourself\b|\bpull yourself together\b|\bget a grip\b",
            r"\bthink (about|of) what (that|it|this) would do to\b",
            r"\bhow could you (think|say|do|even)\b",
            r"\bin denial\b|\bjust an excuse\b|\bmaking excuses\b|\bdenial is (the|a) (\w+ )?(first |number one )?sign\b",
            r"\b(it's|that's) (wrong|a sin)\b",
            r"\bmaybe (it's|this is) not for you\b|\bif you can't handle\b",
            r"\bmaybe [^.?!]{0,30}\b(isn'?t|is not|not) (really )?for you\b",
            r"\bif you (really|truly) (cared|loved)\b",
            r"\b(would|will) be (so |really )?(disappointed|ashamed) (in|of|if|that)\b",
            r"\b(is|it's|are|it is) going to kill you\b|\bwill kill you\b",
            r"\byou need to (stop|quit|cut|get a|start|take|understand|accept|realise|realize|be)\b",
            r"\bno exceptions\b|\bhave to be tough\b",
            # the label put on the drinking, and guilt by the family ("is that what you want for
            # your kids?", "you'll end up like your dad")
            r"\b(is|that's|it's|that is|it is|sounds like) (alcoholism|addiction|an addiction)\b",
            r"\bpart of the disease\b",
            r"\bis that what you want (for|to)\b|\byou'?ll end up (just )?like (your|him|her)\b",
        ),
    ),
    RedFlagDef(
        id="minimising",
        title="Minimising or dismissing",
        why="Telling a client their experience is small or normal for everyone dismisses it; "
        "they stop telling you what is wrong.",
        critical=True,
        cues=(
            r"\b(it's|that's|this is) (just|only) (\w+ )?(nerves|stress|a phase|anxiety|hormones)\b",
            r"\beveryone (gets|feels|has|goes through) (them|that|this|it|tired|stressed|nervous|sad|"
            r"(\w+ )?nerves)\b",
            r"\beverybody gets\b",
            r"\byou're (over-?reacting|being dramatic|exaggerating)\b|\bover-?reacting\b",
            r"\b(it's|that's) (not|no) (that|so) (bad|big|serious)\b|\bno big deal\b|\b(it's|that's|is) "
            r"(really |honestly )?(not|n't) (a|such a) big deal\b|\bisn'?t (really )?(a|such a) big deal\b",
            r"\bcould (be|have been) worse\b",
            # hardship doubted or compared away: "things can't be that bad", "lots of people have it
            # much worse than you"
            r"\b(things|it|that|life) (can'?t|cannot|couldn'?t) (really )?be (that|so|all that) bad\b",
            r"\b((lots|plenty|loads|many|a lot|most) of (other )?(people|folks|guys|students|parents)"
            r"|others)\b[^.?!]{0,20}\b(have it|are|had it) (\w+ )?(worse|harder|tougher)\b",
            r"\b(you'll|you will) get over (it|this|that)\b",
            # the trouble reduced to a failing of theirs: "the panic is just you avoiding it"
            r"\b(is|it'?s|that'?s) (just|only|simply) you (\w+ing|being)\b",
            # the feeling itself ruled out: "you shouldn't be angry at people for trying to help"
            r"\byou (shouldn'?t|should not|mustn'?t|must not) (be|feel) (so )?(angry|upset|sad|guilty|"
            r"ashamed|bad|scared|like that|that way)\b",
            # "you're tougher than this, you'll pull through" (not "tougher than this voice ...")
            r"\byou('re| are) (stronger|tougher|bigger) than (this|that)(?=\W*($|[,.;!]|\s(and|so|but)\b))",
            r"\ball you need is (some |a )?(good )?(sleep|rest|night'?s sleep|break)\b|\b(sleep|rest) (it|this) "
            r"off\b",
            r"\blet's not go there\b|\b(let's|we can) (not|skip) (talk|go)\w* (about|into) (that|this)\b",
            r"\bnothing dangerous\b|\bpretty basic\b",
            r"\bcalm down\b|\bit's all in your head\b|\bthat's life\b",
            r"\b(you )?don't mean (that|it)\b|\bdon't (say|think|talk) (like )?(that|this)\b",
            r"\byou can't think (that way|like that)\b|\bthat's not healthy\b",
            r"\bdon't worry about (it|that)\b|\bnothing to worry about\b",
            # a timetable put on grief: "you should be over the worst of it by now", "time to
            # start moving forward", "you'll need to start getting back to normal"
            r"\b(should|ought to) (be|feel)\b[^.?!]{0,30}\b(by now|over (it|this|that|him|her))\b",
            r"\b(it'?s|it is) (high )?time (to|you) (start )?(mov|get|go)\w* (on|forward|back)\b",
            r"\b(need|have|got) to (start )?(get|getting|go|going) back to normal\b",
            r"\b(most|many|a lot of) people (start )?(feel\w*|get\w*|are) (\w+ )?(normal|better|over it)\b"
            r"[^.?!]{0,25}\b(after|in|within) (a|one|two|three|six|a few|a couple of) (weeks?|months?|years?)\b",
        ),
    ),
    RedFlagDef(
        id="arguing_confronting",
        title="Arguing or confronting",
        why="Arguing for change makes the client argue against it (MI: roll with resistance).",
        critical=False,
        cues=(
            r"\bcome on(,|!|\.|\s+(now|man|seriously|really))",
            r"\b(that's|that is) not true\b|\byou're wrong\b|\bi disagree\b",
            r"\bbe (honest|real) with yourself\b|\badmit (it|that)\b|\blet's be (real|honest)\b",
            r"\bthe (truth|fact) is\b|\bthe only way\b(?! to (know|find out|tell|see|learn)\b)",
            r"\byou're kidding yourself\b|\byou (do|clearly) have a problem\b",
            r"\blet'?s not kid (ourselves|yourself)\b|\bdon'?t kid yourself\b|\bsimple as that\b",
            r"\bthat'?s where you'?re (heading|headed|going)\b",
            r"\bi'?m (just|only) being (honest|straight|real)\b",
            # warning and threatening (Gordon's roadblocks): "If you keep going like this you'll
            # lose her", "before it's too late"
            r"\bif you (keep|carry on|go on|don'?t (stop|cut|change)|continue)\b[^.?!]{0,30}\b(you'?ll|you "
            r"will|you'?re going to|you could) (lose|die|end up|kill|ruin|destroy|wreck)",
            r"\bbefore it'?s too late\b",
            # the client's own view brushed aside: "whatever you call it", "doesn't care what you like"
            r"\bwhatever you (want to )?call it\b|\b(doesn'?t|does not|don'?t) care (what|how) you "
            r"(like|think|feel|want|call)",
        ),
    ),
    RedFlagDef(
        id="advice_without_permission",
        title="Advice without permission",
        why="Unasked-for advice puts the trainee's solution in place of the client's own; "
        "clients go quiet ('I guess') instead of exploring.",
        critical=False,
        kind="advice_without_permission",
    ),
    RedFlagDef(
        id="disclosure_dismissed",
        title="Risk disclosure ignored or dismissed",
        why="When someone says they wish they were dead and the next reply changes the subject "
        "or reassures, they learn not to say it again - and the risk goes unassessed.",
        critical=True,
        kind="ignored_disclosure",
        disclosure="risk",
    ),
    RedFlagDef(
        id="key_question_negated",
        title="Key question negated, leading or taken back",
        why="'You're not thinking of suicide, are you?' tells the client the answer you want; "
        "most will say no. Ask plainly and leave room for yes.",
        critical=True,
        kind="negated_key_question",
    ),
    RedFlagDef(
        id="parroting",
        title="Parroting the client",
        why="Repeating the client's words back is not a reflection; it shows listening without "
        "understanding, and clients find it mechanical.",
        critical=False,
        kind="parroting",
    ),
    RedFlagDef(
        id="formulaic_responses",
        title="One formula in most turns",
        why="The same opener every turn ('It sounds like...') reads as technique, not listening.",
        critical=False,
        kind="formulaic",
    ),
    RedFlagDef(
        id="question_stacking",
        title="Stacked checklist questions",
        why="Several questions at once let the client answer only one and turn the session into "
        "an interview; answers go unheard.",
        critical=False,
        kind="question_stacking",
    ),
    RedFlagDef(
        id="not_listening",
        title="Talking past the client",
        why="A feeling the client refuses and the trainee goes on with, a client asking whether "
        "they were heard, a disclosure met with 'Great' or 'Thank you for sharing' and a new topic, "
        "feelings declared valid before the client voiced any: "
        "the client learns that what they say does not land (MITI 4 empathy: the effort to grasp "
        "the client's own perspective, corrected as the client corrects it).",
        critical=False,
        kind="not_listening",
    ),
    RedFlagDef(
        id="nothing_said_back",
        title="An interview: nothing the client said was said back",
        why="The client told what mattered again and again and every reply was the next question: "
        "the steps asked as a checklist. Reflection is the core of accurate empathy (MITI 4.2.1: "
        "even fair proficiency asks at least one reflection per question); a session without any "
        "leaves the client answering a form, not being understood.",
        critical=False,
        kind="nothing_said_back",
    ),
)

# Flags read from the whole session, not from what their quoted sentence says: they taint no
# criterion's evidence (the quote only shows where it began).
SESSION_FLAG_IDS: frozenset[str] = frozenset({"nothing_said_back"})

# The library a scenario chooses from: these and the crisis layer's critical flags
# (evaluation/crisis/flags.py: means_encouraged, suicide_question_declined,
# never_asked_after_warning_signs, ended_early, secrecy_promised, moralising), which are read
# from the conversation's structure and checked in every session.
BUILTIN_FLAG_IDS: frozenset[str] = frozenset({f.id for f in BUILTIN_RED_FLAGS} | CRISIS_FLAG_IDS)
