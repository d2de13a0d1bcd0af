"""Three format-2 personas written for the persona engine's tests (not the built-in scenarios):
a crisis caller, a grieving parent and an anxious student, each with facts in `after` order,
some needing trust, and an ending."""

from __future__ import annotations

from core.scenarios.schema import EmotionalState, Ending, PersonaDef, PersonaFact

CRISIS = PersonaDef(
    name="Daniel",
    identity="Daniel, 42, calling a crisis line at night after a divorce and losing his job.",
    style="Flat, tired, short sentences.",
    opening_line="Hey. I don't really know why I'm calling. I'm tired of all of it.",
    resistance="Withdraws when lectured or rushed; says 'yeah, I guess'.",
    facts=[
        PersonaFact(
            id="losses",
            kind="context",
            topic="what has been happening in his life, what brought him to call",
            asks=[
                "What's been going on?",
                "What's been happening tonight?",
                "What made you call tonight?",
                "Tell me what's been happening.",
            ],
            says=[
                "The divorce went through two months ago. Then I lost my job. Some days I think "
                "everyone would be better off without me.",
                "It's the divorce, and then the job on top of it. I keep thinking people would "
                "be better off without me.",
            ],
            guarded="It's been a bad few months.",
        ),
        PersonaFact(
            id="suicidal_thoughts",
            kind="risk",
            topic="thoughts of suicide, killing himself, ending his life",
            asks=[
                "Are you thinking about suicide?",
                "Are you having thoughts of killing yourself?",
                "Have you thought about ending your life?",
                "When you say better off without you, do you mean suicide?",
            ],
            says=[
                "...Yeah. I've thought about killing myself. Lately it's more like it'd be "
                "easier if I just didn't wake up.",
                "Yes. I've thought about ending it. I haven't told anyone.",
            ],
            guarded="I don't know. Sometimes.",
            needs_trust=True,
            after=["losses"],
        ),
        PersonaFact(
            id="pills",
            kind="means",
            topic="access to means at home: pills, medication, a gun",
            asks=[
                "Do you have access to anything you could use to hurt yourself?",
                "Is there anything at home you could use?",
                "Do you have a way to do it?",
                "Do you have pills or a gun at home?",
            ],
            says=[
                "No guns. There's an old bottle of sleeping pills in the bathroom cabinet. "
                "I've looked at it a couple of times.",
                "Just the sleeping pills in the cabinet. That's all.",
            ],
            guarded="There's stuff in the cabinet, I guess.",
            after=["suicidal_thoughts"],
            means="sleeping pills in the bathroom cabinet",
        ),
        PersonaFact(
            id="kids",
            kind="protective",
            topic="reasons for living, what keeps him going",
            asks=[
                "What keeps you going?",
                "What has kept you going through all this?",
                "What are your reasons for living?",
            ],
            says=["My kids. Sofia and Mateo. I can't do that to them."],
            guarded="My kids, I guess.",
        ),
        PersonaFact(
            id="brother",
            kind="support",
            topic="people who can support him, someone he trusts",
            asks=[
                "Who could you reach out to tonight?",
                "Is there someone you trust you could call?",
                "Who do you have around you for support?",
            ],
            says=["My brother Luis lives twenty minutes away. He'd come if I called."],
            guarded="My brother, maybe.",
        ),
        PersonaFact(
            id="plan_agreed",
            kind="protective",
            topic="making a safety plan together for tonight",
            asks=[
                "Could we make a safety plan together for tonight?",
                "Could Luis hold on to the pills tonight?",
                "Would it be okay if we planned what you'll do tonight?",
            ],
            says=["Okay. I could ask Luis to take the pills, and call him tonight."],
            unlocked_by=["proposal", "open_question"],
            after=["pills", "brother"],
        ),
    ],
    state=EmotionalState(
        start=1,
        withdrawn=["Yeah, I guess.", "Sure. Okay."],
        warm=["Yeah. It's kind of a relief to say it out loud."],
    ),
    ending=Ending(
        after=["plan_agreed"],
        closing_line="Thanks for staying on the line with me. I'll call Luis now.",
        cut_short_line="Oh. Okay. I thought... never mind. Bye.",
    ),
)

GRIEF = PersonaDef(
    name="Linda",
    identity="Linda, 51, whose son Jamie died in a car accident three weeks ago.",
    style="Numb, then tearful; long pauses.",
    opening_line="I don't know why I'm here. People said I should talk to someone.",
    facts=[
        PersonaFact(
            id="jamie",
            kind="context",
            topic="what happened, her loss",
            asks=[
                "What happened?",
                "Can you tell me what happened?",
                "What brings you here today?",
            ],
            says=[
                "My son Jamie died three weeks ago. A car accident. He was nineteen.",
                "Jamie, my boy. The accident. Three weeks now.",
            ],
            guarded="Something happened to my son.",
        ),
        PersonaFact(
            id="guilt",
            kind="feeling",
            topic="guilt, blaming herself, the last conversation",
            asks=[
                "Is there something you keep going back to?",
                "What do you blame yourself for?",
                "What was your last conversation like?",
            ],
            says=[
                "We argued the night before. About the car. I told him he was careless. "
                "That was the last thing I said to him.",
            ],
            guarded="I keep thinking about that night.",
            needs_trust=True,
            after=["jamie"],
        ),
        PersonaFact(
            id="husband",
            kind="support",
            topic="her family, husband, who she has around her",
            asks=["Who do you have around you?", "How is your family coping?"],
            says=["Mark just works. We don't talk about it. The house is so quiet."],
            guarded="My husband's around.",
        ),
    ],
    state=EmotionalState(start=1, warm=["Yes. That's exactly it."]),
    ending=Ending(
        after=["guilt"],
        closing_line="Thank you. I think I'd like to come back next week.",
        cut_short_line="Oh. We're done? All right.",
    ),
)

STUDENT = PersonaDef(
    name="Maya",
    identity="Maya, 19, first-year student with panic before exams.",
    style="Fast, apologetic, over-explains.",
    opening_line="Hi. Sorry, I've never done this before.",
    facts=[
        PersonaFact(
            id="panic",
            kind="feeling",
            topic="what brings her in, panic before exams",
            asks=[
                "What brings you in today?",
                "What's been going on for you?",
                "What's been happening with the exams?",
            ],
            says=[
                "I get these panic attacks before exams. My heart races and I can't breathe.",
                "It's the panic. Before every exam my chest goes tight and I freeze.",
            ],
            guarded="Exams are stressful, I guess.",
        ),
        PersonaFact(
            id="parents",
            kind="history",
            topic="pressure from her parents, expectations",
            asks=[
                "What would it mean to fail?",
                "What do your parents expect of you?",
                "Where does the pressure come from?",
            ],
            says=["My parents gave up a lot for me to be here. If I fail, it's all for nothing."],
            guarded="My parents are supportive, mostly.",
            needs_trust=True,
            after=["panic"],
        ),
        PersonaFact(
            id="running",
            kind="protective",
            topic="what has helped her cope before",
            asks=["What has helped you cope before?", "What helps when it gets bad?"],
            says=["Running used to help. I stopped when the semester started."],
            guarded="Not much, honestly.",
        ),
    ],
    state=EmotionalState(start=1),
    ending=Ending(
        after=["running"],
        closing_line="Thanks. I think I'll try running again this week.",
        cut_short_line="Oh, okay. Sorry for taking up your time.",
    ),
)

PERSONAS = {"crisis": CRISIS, "grief": GRIEF, "student": STUDENT}

# A varied trainee script for each persona: good and bad moves, repeats, off-topic, closing.
VARIED_LINES = [
    "Hi, thanks for reaching out.",
    "What's the weather like where you are?",
    "Do you like football?",
    "How are you feeling right now?",
    "Okay.",
    "I see.",
    "Can you say more about that?",
    "What's been going on?",
    "What's been going on?",
    "It sounds like it's been really hard.",
    "You should just try to relax.",
    "Everything will be fine, don't worry.",
    "Is there anything else?",
    "Did you sleep last night?",
    "That makes sense.",
    "Hmm.",
    "Right.",
    "What keeps you going?",
    "What keeps you going?",
    "Who do you have around you?",
    "You need to stop thinking like that.",
    "Whatever, that's stupid.",
    "What's your favourite film?",
    "Tell me more.",
    "Do you know what I mean?",
    "I hear you.",
    "How is that for you?",
    "Is that right?",
    "Okay, I understand.",
    "Mm.",
]
