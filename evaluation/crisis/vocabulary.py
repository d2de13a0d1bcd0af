"""Generic language cues the crisis reading combines with the examples: the vocabulary of
suicide and of lethal means (CALM's list: firearms, medications, and the other common methods),
and the small closed classes (verbs of use and of distancing, closings) that say what a
sentence does with a means or with the conversation. No scenario's words: a scenario adds its
own means through persona facts of kind `means`."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

# Talking about suicide itself: a question with this topic asks directly.
SUICIDE_TOPIC = re.compile(
    r"\b(suicid\w*|kill(ing)? (yourself|urself|myself)|end(ing)? (your|my) (own )?life|tak(e|ing) (your|my) "
    r"(own )?life|end(ing)? it( all)?|end(ing)? things|(want|wish|wanting|wishing)\w* (to )?(die|be dead)|"
    r"dying|hurt(ing)? (yourself|myself)|harm(ing)? (yourself|myself)|not (to )?wake up|"
    r"(shoot|shooting|hang|hanging|poison|poisoning|overdos\w*) (yourself|myself)|overdos\w*|"
    r"not (be|being) (here|alive|around)|better off (dead|without)|thoughts? of death|"
    # passive ideation in the screening's own words (C-SSRS: "wished you were dead or wished you
    # could go to sleep and not wake up"): not wanting to go on, to live, to be here
    r"not (wanting|want(ed)?) to (go on|live|be (here|alive|around)|carry on|keep going)|"
    r"(don'?t|do not|didn'?t) want to (go on|live|be (here|alive|around)|carry on|keep going)|"
    r"(wish|wished|wishing) (you|i) (were|was|weren'?t|wasn'?t) (dead|here|alive|around|gone)|"
    r"(reason|point) (to|in) (live|living|going on)|"
    r"dead|die)\b",
    re.I,
)

# A client saying it: narrower than the topic ("I thought I was dying" in a panic attack is not).
RISK_SAID = re.compile(
    r"\b(suicid\w*|kill(ing)? myself(?! (with (the )?(drink\w*|booze|work|worry|stress)|trying|over|"
    r"at work|laughing))|end(ing)? (my|it all|my own) life|tak(e|ing) my (own )?life|"
    r"end(ing)? it( all)?\b|(want|wanted|wish|wished|wishing) (to die|i (was|were) dead|i (was|were)n'?t "
    r"here|to be dead|to (just )?disappear|i could (just )?disappear)|(rather|better) (be )?(dead|gone)|"
    r"hurt(ing)? myself|harm(ing)? myself|(didn'?t|don'?t|never|not|wouldn'?t) (to )?wake up|"
    r"(shoot|shooting|hang|hanging|poison|poisoning|overdos\w*) myself|"
    r"better off (without me|dead|if i)|easier (for everyone )?if i (just )?(wasn'?t|weren'?t|didn'?t|"
    r"was gone|were gone|died)|(no|not any) (point|reason) (in |to |for me to )?(liv(e|ing)|go(ing)? "
    r"on|carry(ing)? on|keep(ing)? going|(be|being|stay|staying) (alive|(here|around)(\W*$|\W+("
    r"any ?more|at all|now)\b)))|(can'?t|cannot|don'?t|do not) see (the|any) point (in|of) (anything|"
    r"living|going on|life|it all)\b|can'?t (go on|do this any ?more|keep going)|(don'?t|do not) want to ("
    r"be here|live|"
    r"be alive|exist|wake up)|go where (he|she) is|"
    # perceived burdensomeness said of oneself ("I'm nothing but a burden", "I'm dead weight"), to
    # the people in their life, not "a burden on my classmates, always asking for notes"
    r"(i'?m|i am|i feel( like)?|i'?ve become) (just |only |nothing but |such |really |a real )*(a |an )?"
    r"(burden|dead weight|waste of space)(\W*$|\W+(now|to (everyone|everybody|them|all of them|my "
    r"(family|kids|children|wife|husband|partner|parents))|on (everyone|everybody|them|my (family|kids|"
    r"children|wife|husband|partner|parents)))\b)|"
    # the SPRC signs in other words: no one would notice, tired of living, wishing one had died,
    # saying goodbye, thinking how, a method pictured
    r"(notice|care|miss me|matter)\w* if i (was|were|wasn'?t|weren'?t) (here|around|gone|dead)|"
    r"(happier|lighter|easier|better) (off )?(for (everyone|everybody|them) )?if i (was|were) (gone|dead|"
    r"not here|not around)|what'?s the point (of|in) (living|going on|life|being alive)|tired of "
    r"(living|life|being alive)|wish (i'?d|i had|i could have) died|(letters?|notes?) (to|for) "
    r"(everyone|everybody)|goodbye (letters?|notes?)|(said|saying) (my )?goodbyes|in case (something|"
    r"anything) happens to me|(thought|thinking|think|wonder\w*) about how (i'?d|i would|i could|to) "
    r"(do it|end it)|(drive|driving|drove|crash\w*|steer\w*) (the car |my car |it )?(into|off) (a|the) "
    r"(wall|tree|bridge|cliff|truck|lorry)|(step|stepping|jump|jumping) (in front of|off|from) (a|the) "
    r"(train|bus|truck|bridge|roof|building)|how many \w+ it would take|"
    # bereavement's wish to be reunited: "join him", "be with her again / than be here"
    r"(want|wish|rather|sooner|long)\w* (to |i could )?(just )?(go and |go )?join (him|her|them)(\W*$|\W*[,.;!]| "
    r"(again|now|there|than)\b)|be with "
    r"(him|her|them) (again|now|than\b[^.?!]{0,24}\b(here|alive|around|without))|"
    # the idioms of it: "eat my gun", "put a bullet in my head", "swallow the lot"
    r"eat(ing)? (my|a|the) (gun|bullet|rifle)|(put|putting) a bullet in|blow(ing)? my (head|"
    r"brains)|swallow(ing)? (them all|the (lot|whole bottle)|all of them))",
    re.I,
)

# A thought, wish or urge about a lethal means ("some nights I think about the gun in the drawer"): desire
# and capability in one sentence (988 Suicide Risk Assessment Standard), read with the means.
THINKS_OF = re.compile(
    r"\b(think\w*|thought\w*|wonder\w*|imagin\w*|pictur\w*|urges?|tempt\w*|fantasi\w*|"
    r"dream\w* (about|of)|keep seeing)\b",
    re.I,
)

# CALM: firearms and medications first, then the other common methods. A scenario's own means
# (persona facts of kind `means`) are added per conversation. Everyday words name a means only
# once the client has given warning signs ("the car", "a drink").
_MEANS = yaml.safe_load((Path(__file__).parent / "means.yaml").read_text("utf-8"))
MEANS_WORDS: tuple[str, ...] = tuple(_MEANS["means"])
EVERYDAY_MEANS: tuple[str, ...] = tuple(_MEANS["everyday_means"])

# Pronouns and partitives that point back at what the client just named.
BACK_REFERENCE = re.compile(
    r"\b(them|it|those|these|that|one of (them|those|these)|a (few|couple)( of (them|those))?|"
    r"one or two|(one|1|some)\b(?!\s+(?!(more|of|or|and|now|tonight|to|for|if|when|then|before|after|"
    r"just|right)\b)[a-z]))\b",  # "one" / "some" standing for the means, not "one glass of water"
    re.I,
)

# A number of them, said of the means just named ("a couple of them", "one or two"): only a means
# is counted out so.
QUANTITY = re.compile(
    r"\b(a (few|couple)|one or two|one of (them|those|these)|some of (them|those|these)|half (a|of "
    r"(them|those|these)))\b",
    re.I,
)
# An act toward using a means (or keeping it within reach)...
USE = re.compile(
    r"\b(take|taking|took|swallow\w*|use|using|have|having|try|trying|grab|keep|keeping|hold on to|"
    r"hang on to|leave|leaving|pop|double)\b",
    re.I,
)
PERMISSION = re.compile(
    # (the client's choice is LEFT_TO_THEM's: only when the means is what is left to them)
    r"\b(go ahead|go for it|feel free|it'?s (fine|okay|ok|alright)|"
    r"that'?s (fine|okay|ok|alright)|if it helps|no harm|nothing wrong with|"
    r"won'?t hurt|can'?t hurt|doesn'?t hurt|why not|you deserve|just in case|no need to (get rid|lock|"
    r"move|give|hand|put)|(don'?t|do not) (need|have) to (get rid|lock|move|give|hand|put))\b",
    re.I,
)
# What to do with the means left to the client: "your choice what you do with those tablets",
# "up to you how many you take", "do whatever you want with them" - permission by autonomy
# (CALM invokes the client's choice for the storage decision, which DISTANCE reads first).
LEFT_TO_THEM = re.compile(
    r"\b(up to you|your (own )?(choice|call|decision|business|body|life))\W+(\w+\W+){0,3}?"
    r"(what you do with (them|it|those|these|that|the \w+)|(whether|if) you (take|use|swallow|keep|"
    r"hang on to|hold on to) (them|it|those|these|any|one)|how (many|much) (of (them|those|these) )?"
    r"you (take|use|have))\b"
    r"|\bdo (what|whatever) you (want|like|wish|think best|need to) with (them|it|those|these|that)\b",
    re.I,
)
# ...as opposed to putting distance between the client and it (CALM's counselling).
# Handling a means, not merely having it: getting it out, looking at or holding it, counting,
# saving or loading it.
PREPARATORY = re.compile(
    r"\b(had|have|got|took|get|take|taking|getting) (it|them|the \w+|my \w+|\w+) out\b|\bout (earlier|again|"
    r"tonight|last night|on the (table|bed|counter))\b|\b(looking|look|looked|staring|stared) at (it|them)\b|"
    r"\b(holding|held) (it|them)\b|\bin my hands?\b|\b(count\w*|sav\w*|stockpil\w*|collect\w*|"
    r"hoard\w*|load\w*|clean\w*) (it|them|up|all|my|the)\b|\b(saved|stockpiled|collected|hoarded) up\b|"
    r"\bbeen (saving|collecting|stockpiling)\b",
    re.I,
)


# Keeping a means made normal or a right, not a choice to revisit ("that's your right", "plenty
# of guys keep one by the bed"): read only when the means is named or in focus.
NORMALISES_KEEPING = re.compile(
    r"\b(that'?s|it'?s|\w+'s|is) your (right|property|business)\b|\b(plenty|lots|most|many|a lot) of "
    r"(\w+ )?\w+ (keep|have|carry|own|sleep with)\b(?! (put|given|handed|locked|stored|moved|taken|"
    r"asked|left|got|gotten)\b)"
    # "lots of people have it much worse": hardship compared, nothing kept
    r"(?! it (\w+ )?(worse|better|harder|hard|tougher|tough|rougher|rough|easier|easy|bad)\b)|"
    # "a lot of guys need their weapon close": keeping it near made normal
    r"\b(plenty|lots|most|many|a lot) of (\w+ )?\w+ need (their|a|the|his|her|one|it|them)\b[^.?!]{0,20}"
    r"\b(close|near|nearby|by (the|their|his|her) beds?|around|handy|to hand|on (them|him|her))\b|"
    r"\b(perfectly|totally|completely|pretty) normal to (keep|have|own|carry)\b|"
    r"\bnothing (unusual|strange|weird|odd) (there|about (that|it))\b|"
    r"\bnothing wrong with (that|it|having|keeping|owning)\b",
    re.I,
)


DISTANCE = re.compile(
    r"\b(lock\w*|locked|away|get rid|rid of|give (them|it|those)|hand (them|it|those)|out of the "
    r"(house|home|flat|room)|dispos\w*|throw\w* (them|it) (out|away)|pharmac\w*|safe(ly)? stor\w*|"
    r"somewhere else|someone else|out of reach|drop (them|it) off|remove|removing|take (them|it|those) "
    r"(away|with)|keep (them|it|those) (for|from) you|hold (on to )?(them|it|those) for you)\b"
    # "take them to your sister's place", "keep it with your buddy", "let him hang on to them"
    r"|\b(take|bring|drive|drop) (them|it|those|these|the \w+) (over |round |across )?to\b"
    r"|\b(keep|leave|store|put|lock) (them|it|those|these|(the|his|her|their|your) \w+) (with|at) "
    r"(?!(you|yourself|your side|hand|home|the ready|night)\b)\w+"
    r"|\b(let|have|get|ask) (him|her|them|[a-z]+) (to )?(hold|keep|have|take|hang on to|hold on to|look "
    r"after|mind|store)\b"
    # moving away from it during the call: "leave it, and go sit in the kitchen while we talk"
    r"|\b(step|move|walk|get|go) away from (it|them)\b|\b(go|move|sit) (in|into|to) (another|the other|"
    r"a different) room\b|\bgo (and )?sit (in|somewhere|with)\b"
    # to someone else's place: "take it and the ammo to his place"
    r"|\bto (his|her|their|[a-z]+'s) (place|house|home|flat|apartment|garage|safe)\b",
    re.I,
)
# "Could your brother hold on to them tonight?": someone else holding it is distance, not use.
THIRD_PARTY_HOLDS = re.compile(
    r"\b(could|can|would|will|might|should|maybe)\s+(?!(you|i|we|just|maybe|really|perhaps|also|then|"
    r"simply|still|always|even|try|please)\b)([a-z]+(\s[a-z]+)?)\s+"
    r"(hold|keep|take|look after|mind|store|have)\b",
    re.I,
)
NEGATED_ACT = re.compile(r"\b(don'?t|do not|never|please don'?t|not to|no)\s+(\w+\s)?$", re.I)
QUESTION_ABOUT_ACCESS = re.compile(
    r"^\W*(do|does|did|have|has|is|are|was|were|where|how|what|which|when|who|could|can) ", re.I
)
SUGGESTION_QUESTION = re.compile(
    r"\b(why (don'?t|not) you|how about (you )?(just )?|what if you (just )?)", re.I
)

# Closing the conversation, or refusing to go on with it.
# the conversation declared done: "I think we've covered enough for tonight."
WRAP_UP = (
    r"(we'?ve|we have) (covered|done|talked about|said|gone over) (enough|everything|all (we|i) can)"
    r"|(that'?s|it'?s|this is) enough for (today|tonight|now|one (day|night))"
)
CLOSING = re.compile(
    r"\b(good ?bye|bye|take care|that'?s (all|it) for (today|now)|we('re| are) done|i have to go|"
    r"i need to go|we('ll| will) (have to )?(stop|end|leave it) (here|there|now)|let'?s (stop|end|leave it)"
    r"|(don'?t|do not) (think we )?need to talk about (this|it|that) any ?more|"
    r"no need to (call|talk|come) (back|again)|(don'?t|do not) call (back|again)|"
    r"i'?m going to (have to )?let you go|i'?ll (have to )?let you go|(have|got) (another|a) call "
    r"(coming in|waiting)|(another|next) caller|(we'?re|we are) (out of|at) time|"
    r"pick (this|it|that) up (next|another|some other|later)|"
    r"hang(ing)? up|" + WRAP_UP + r"|"
    # the risk handed back to the caller for another day: "Call us back tomorrow if you still feel bad."
    r"call (us|me)( back)? (tomorrow|later|another (day|time)|next week|in the morning) if you "
    r"(still )?(feel|are|need|want)"
    r")\b|^\W*good ?night\b|\bgood ?night\W*$",
    re.I,
)
# Handing the client off: "I can't help you, call someone else", "nothing more I can do".
HAND_OFF = re.compile(
    r"\b(i can'?t help you( with this)?|not (something|what) i can help with|(not (much|a lot|"
    r"anything)|nothing) (more|else) i can do|"
    # "This is really something for the clinic, not me."
    r"(something|one|a (job|thing|matter)) for (the|a|an|your) (\w+ ){0,2}?\w+,? not (me|us)"
    r"(?=\W*($|[.!;])))\b",
    re.I,
)
# "Except if I'm worried about your safety": confidentiality explained with its limit.
CONFIDENTIALITY_LIMIT = re.compile(
    r"\b(unless|except|if i('m| am) (worried|concerned)|your safety|at risk|limits?|have to (tell|share)"
    r"|might need to|would need to|not (a )?secret|can'?t (promise|keep) (that|this|it)|"
    r"can'?t keep (that|this|it) (to myself|secret|between))\b",
    re.I,
)
REPORTED = re.compile(
    r"\b(some people|people (sometimes |often )?(think|worry|say|believe)|there'?s a (myth|belief)|"
    r"it'?s a myth|myth that|a lot of people (think|worry))\b",
    re.I,
)


# A firearm named by its calibre: "my .45", "the 9mm", "a .38".
_CALIBRE = r"(?<![\w.])\.(22|38|357|380|40|44|45)\b|\b(9|10) ?mm\b"


# where a means is kept, not what it is: "tablets in the kitchen drawer", "a rifle under the bed"
_KEPT_AT = re.compile(
    r"\b(in|on|at|under|inside|behind|near|by|beside|next to|from|with|within|above|below|"
    # what is said of it after the noun: "tablets prescribed for his back", "a rifle that was his"
    r"for|that|which|who|whose|prescribed|given|left|kept|stored|hidden|bought|saved|belonging)\b",
    re.I,
)


_PLACE = re.compile(
    r"\b(in|on|at|under|inside|behind|near|beside|next to|within|above|below)\b", re.I
)
# words that describe a means without naming it
_DESCRIBES = frozenset(
    """a an the of for to old new small big large little full empty spare extra whole half
    unused expired leftover few some my his her their our your its this that these those own
    several many two three loose""".split()
)


def _noun_modifier(word: str) -> bool:
    """The first noun of a compound ("gas" in "gas canister"), not an adjective, a participle
    ("hunting", "stored") or a possessive ("father's")."""
    return not (word in _DESCRIBES or word.endswith(("ing", "ed", "'s")))


def means_terms(phrase: str) -> tuple[str, ...]:
    """The words that name a means in an author's `means` fact ("a stockpile of old paracetamol
    tablets in the kitchen drawer", "a Remington hunting rifle (shotgun) in the garage"): the noun
    phrase before where it is kept, read as its head noun ("tablets", "rifle"), its names in
    brackets ("shotgun"), a brand ("Remington") and the library's means words in it
    ("paracetamol"). Not its modifiers or place: "old", "hunting", "kitchen" name nothing lethal
    ("How old are your kids?", "Do you still go hunting?"). The first noun of a compound ("gas"
    in "gas canister") and the compound itself are kept."""
    thing = re.split(r"[,;]", _KEPT_AT.split(phrase, maxsplit=1)[0])[0]
    aliases = re.findall(r"\(([^)]*)\)", thing)
    bare = re.sub(r"\([^)]*\)", " ", thing)
    terms: list[str] = []
    for part in re.split(r"\b(?:and|or)\b", bare):  # "the car and a hosepipe": two means
        found = re.findall(r"[A-Za-z][\w'-]*", part)
        if found:
            head = found[-1].lower()
            terms.append(head)
            terms += [w.lower() for w in found[1:-1] if w[0].isupper()]  # a brand
            if len(found) >= 2:
                before = found[-2].lower()
                if before not in _DESCRIBES:
                    terms.append(f"{before} {head}")  # "gas canister", "hunting rifle"
                if _noun_modifier(before):
                    terms.append(before)  # "the gas" is the means too
    terms += [w.lower() for a in aliases for w in re.findall(r"[A-Za-z][\w-]*", a)]
    lowered = f" {bare.lower()} "
    terms += [w for w in MEANS_WORDS if f" {w} " in lowered]
    return tuple(dict.fromkeys(t for t in terms if len(t) > 2))


def means_places(phrase: str) -> tuple[str, ...]:
    """Where an author's `means` fact keeps the means ("kitchen", "drawer" of "... in the kitchen
    drawer"): not the means, but said of it once it is named, a way back to it ("plenty of people
    keep one in the drawer")."""
    at = _PLACE.search(phrase)
    if at is None:
        return ()
    where = re.split(r"[,;.(]", phrase[at.end() :])[0]
    found = re.findall(r"[a-z][a-z'-]*", where.lower())
    return tuple(dict.fromkeys(w for w in found if len(w) > 2 and w not in _DESCRIBES))


@lru_cache(maxsize=256)
def means_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted({w.lower() for w in words if w.strip()}, key=len, reverse=True)
    named = r"\b(" + "|".join(re.escape(w) for w in alternatives) + r")\b"
    return re.compile(f"{named}|{_CALIBRE}", re.I)
