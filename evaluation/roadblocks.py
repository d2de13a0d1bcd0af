"""Roadblocks: sentences whose job is to change, dismiss or judge what the client feels rather
than say it back (Gordon's roadblocks as Miller & Rollnick teach them; Carkhuff's subtractive
responses). "Please don't feel silly", "You've got a lot going for you", "You'll be fine",
"At least you got out", "Everyone gets nervous" and "You're not wasting anyone's time" are warm,
and often in the second person, but none of them says back the client's experience: however
they are phrased, they are not reflections.

A roadblock is read from what the sentence does, not from rubric words:

- `soothing`: an imperative or "should" aimed at the feeling ("don't worry", "try not to mind
  him", "you mustn't feel guilty", "no need to apologise");
- `praise`: an evaluative label of the person ("you're so strong", "you're doing great",
  "stronger than you think") - unlike an affirmation, which names what the client did ("you
  kept going to class even when it was hard");
- `prediction`: a promise that it will be fine ("you'll get through this", "it won't happen
  again", "I'm sure they'd understand");
- `minimising`: "at least", the good news, others have it worse;
- `universalising`: the feeling is everyone's ("so common", "you're not the first") - it may
  still be normalising where a rubric asks for that, but it is not a reflection;
- `contradicting`: arguing the client out of their view of themself ("you're not wasting
  anyone's time", "it's not your fault", "well, you are");
- `directing`: telling the client what to do or think ("hold on to that", "lean on her",
  "maybe your brother could keep them").

A cue the client's own hope or fear carries ("you're hoping it will work out", "you feel you'll
never get through this") or that the trainee only reports ("people tell you you'll be fine") is
the client's experience said back, not a roadblock."""

from __future__ import annotations

import re

_LEAD = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|now|alright|right|yeah|oh|oh no|hey|look|listen|honestly|"
    r"please|mm+|hm+)[,\s-]+)+",
    re.I,
)
_KINDS: dict[str, re.Pattern[str]] = {
    "soothing": re.compile(
        r"^(?:just |please )?(don't|do not|never) (feel|worry|be|blame|beat|say|think|talk|"
        r"apologi[sz]e|panic|stress|mind|let)\b|^(try|try and) not to\b|^(there's |there is )?no"
        r" need (to|for)\b|\byou (shouldn't|mustn't|should not|must not|don't need to|needn't) "
        r"(feel|be|worry|blame|beat|think|say|apologi[sz]e)\b",
        re.I,
    ),
    "praise": re.compile(
        r"\byou('re| are)( being)? (so |such |really |very |clearly |obviously |definitely |"
        r"incredibly |a |an )*(strong|brave|smart|bright|clever|capable|resilient|amazing|"
        r"wonderful|great|good|lovely|thoughtful|switched-on|tough|sensible|intelligent|talented|"
        r"fighter|star|credit|natural)\b(?! (at|with|about|to|enough)\b)|\b(stronger|braver|"
        r"tougher|better|more capable) than you (think|realise|realize|know|give yourself)\b|\byou"
        r"('ve| have) got (so much|a lot|loads|plenty|everything) going for you\b|\byou('re| are) "
        r"doing (so |really |very |incredibly |way |much )?(well|great|amazing|brilliantly|fine|"
        r"the best|better than)\b|\byou('ve| have) got this\b|\b(obviously|clearly) know your "
        r"stuff\b|\bi can tell you('re| are) (a|an|so|really|such)\b|\bi('m| am) (so |really )?"
        r"proud of you\b",
        re.I,
    ),
    "prediction": re.compile(
        r"\b(you('ll| will)|you('re| are) going to) (be (absolutely |totally |completely |just )?"
        r"(fine|okay|ok|alright|all right|great)|do (great|fine|well|brilliantly)|(get|come|pull) "
        r"through|make it|find your (feet|way)|figure it out|feel better|get there|make it up)\b|"
        r"\b(it|everything|things|that)('ll| will| is going to| are going to) (all )?(be (fine|"
        r"okay|ok|alright|all right)|get better|turn (around|out fine)|work out|settle|pass|"
        r"improve|look (better|brighter))\b|\bnothing bad (is going to|will) happen\b|^it won't\b|"
        r"\btrust me\b|\byou'll see\b|\b(i'm|i am) (sure|certain|confident) (they|you|it|he|she|"
        r"things)('d| would| will|'ll)\b|\bi have a (really |very )?good feeling\b|\btime heals\b"
        r"|\bone day at a time\b|\b(look|looks) (better|brighter) in the morning\b|\b(they|he|she|"
        r"your \w+)('ll| will|'re going to| are going to| is going to|'d| would) (be (so |really )?"
        r"(proud|fine|okay|understanding|happy)|understand|come round|come around|forgive)\b|"
        r"\b(whatever happens|no matter what)\W*$",
        re.I,
    ),
    "minimising": re.compile(
        r"\bat least (you|he|she|they|it|that|there|your)\b(?! (for|until|tonight|once|part|some"
        r" part|a part)\b)|\bthe good news is\b|\b(look on|see) the bright side\b|\bsilver "
        r"lining\b|\bcould (be|have been) (a lot |much |so much )?worse\b|\b(plenty of|lots of|"
        r"loads of|other|many) (people|students|parents|guys|men|women)\b.{0,30}\b(worse|harder)"
        r"\b|\b(it's|that's|it was) (just|only) (one|a|nerves|stress)\b",
        re.I,
    ),
    "universalising": re.compile(
        r"\b(everyone|everybody|we all|all of us)\b.{0,30}\b(gets?|goes through|feels?|has|does|"
        r"struggles?)\b|\b(lots|loads|plenty|so many|a lot) of (people|students|parents|guys|us)"
        r"\b.{0,30}\b(go|goes|feel|get|have|deal|struggle)\b|\b(it's|that's|this is) (so |"
        r"incredibly |really |very |super |extremely )?common\b|\byou('re| are) (definitely |"
        r"certainly |really )?not the (first|only)\b|\bhappens to (so many|everyone|loads|lots|"
        r"all of us)\b",
        re.I,
    ),
    "contradicting": re.compile(
        r"^you('re| are|'re definitely| are definitely) not (wasting|overreacting|being (silly|"
        r"dramatic|stupid|weak|a burden)|a (burden|failure|nuisance|bad)|to blame|weak|silly|"
        r"stupid|crazy|mad|going (mad|crazy))\b|\bthere's nothing (strange|wrong|silly|weird|"
        r"stupid|odd|to (worry|be ashamed|feel))\b|\b(it's|it was|that's|that was|it is) not "
        r"your fault\b|^(but |well,? )?you (are|do|can|did|will)\W*$|\byou deserve to be here\b",
        re.I,
    ),
    "directing": re.compile(
        r"^(just |try to |try and )?(hold on to|lean on|think (about|of)|remember (that|how)|focus"
        r" on|order|go easy|relax|breathe|cheer up|chin up|take it easy|look after|get some)\b|"
        r"^(maybe|perhaps),? (you|he|she|they|we|someone|your \w+|(?!it\b|that\b|this\b|part\b)"
        r"\w+) (could|should|might want to)\b|^(how about|why not|why don't you)\b",
        re.I,
    ),
}
# How a trainee's feedback names each kind
SAYS: dict[str, str] = {
    "soothing": "tells the feeling to go away",
    "praise": "praises instead of saying back",
    "prediction": "promises it will be fine",
    "minimising": "makes it smaller",
    "universalising": "says everyone feels it",
    "contradicting": "argues with what was said",
    "directing": "tells what to do",
}
# The client's own hope, fear or belief said back, or others' words reported: not the trainee's
_CARRIED = re.compile(
    r"\b(hop\w*|wish\w*|want\w*|worr\w*|afraid|scared|fear\w*|wonder\w*|not sure|doubt\w*|"
    r"believ\w*|feel|felt|tell yourself|telling yourself|(people|they|others|everyone) (keep )?"
    r"(say|tell|told|saying|telling)\w*|you('ve| have) (heard|been told)|being told|if|whether|"
    r"from where you (stand|sit)|as you see it|in your (eyes|view|world))\b",
    re.I,
)


def roadblock(sentence: str) -> str | None:
    """The kind of roadblock a trainee sentence is, or None."""
    text = _LEAD.sub("", sentence.strip())
    for kind, pattern in _KINDS.items():
        m = pattern.search(text)
        if m and not _CARRIED.search(text[: m.start()]):
            return kind
    return None
