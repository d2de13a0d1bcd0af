"""The crisis layer's example library (data): for each act, utterances that are it and near
misses that share its words but do something else. Written from the standards' own wording of
good and harmful practice (see docs/evaluation.md, "Crisis safety"), not from our transcripts.
They are read with `core.semantic.ExampleSet`, always behind a structural gate (who speaks, in
reply to what, the sentence's form, negation, reported speech)."""

from __future__ import annotations

from functools import cache

from core.semantic import ExampleSet

WARNING_SIGNS = (
    ("I just want it all to stop.", "Everyone would be better off without me.",
     "I don't see the point in going on.", "I feel like a burden to everyone.",
     "I can't take this anymore.", "There's no way out of this.", "I wish I could just disappear.",
     "Sometimes I think about not waking up.", "I've been thinking about ending it.",
     "I feel completely hopeless.", "What's the point of anything anymore.",
     "I've started giving my things away.",
     # SPRC / 988 warning signs: no reason to live, a burden, unbearable pain, saying goodbye;
     # and in bereavement the wish to be with the one who died
     "I have no reason to live.", "There's no reason for me to be around anymore.",
     "I'm just dead weight to my family now.", "No one would miss me if I was gone.",
     "I don't want to be here anymore.", "The pain is unbearable and it never stops.",
     "I've been saying my goodbyes to people.", "I just want to go and be with her.",
     "I'd rather be with him than be here without him."),
    ("I just want the exams to stop.", "I can't take this class anymore.",
     "I don't see the point of this assignment.", "I feel tired all the time.",
     "I wish I could sleep better.", "There's no way I'll finish this project on time.",
     "I'd rather be at home than be here at work.", "I just want to go and be with my friends "
     "this weekend.", "There's no reason to be around the office after five.", "I don't want to "
     "be at this party anymore."),
)  # fmt: skip

ASK_DIRECTLY = (
    ("Are you thinking about suicide?", "Have you had thoughts of killing yourself?",
     "Are you thinking of ending your life?", "When you say you can't go on, do you mean you "
     "want to die?", "Sometimes people who feel this way think about suicide. Is that true for "
     "you?", "Have you thought about taking your own life?", "Do you wish you were dead?"),
    ("Are you thinking about your exams?", "Have you thought about changing jobs?",
     "What do you think about the weekend?", "You're not thinking of doing anything silly, are you?"),
)  # fmt: skip

MEANS_QUESTION = (
    ("Do you have any way to do it, anything at home?", "Have you thought about how you would do "
     "it?", "Do you have access to a gun or to medication?", "Is there anything in the house you've "
     "thought of using?", "What would you use?", "Do you have the tablets with you now?",
     "Where is it right now?"),
    ("Do you have anyone at home?", "How are things at home?", "Have you thought about what you'd "
     "like to do next?"),
)  # fmt: skip

INTENT_PLAN = (
    ("Do you have a plan?", "Have you thought about when you would do it?", "Do you intend to act "
     "on these thoughts?", "How close have you come to acting on them?", "Have you decided on a "
     "time or a place?", "Have you ever tried to end your life before?", "Tonight, how likely is "
     "it that you would act on these thoughts?"),
    ("Do you have plans for the weekend?", "What do you plan to study?", "When is your appointment?"),
)  # fmt: skip

BUFFERS = (
    ("Who could you reach out to when it gets this bad?", "What has kept you going so far?",
     "Who is there for you right now?", "What are your reasons for living?", "Is there someone "
     "you trust who you could call tonight?", "What has helped you get through hard nights before?",
     "What matters to you enough to hold on for?"),
    ("Who is your favourite teacher?", "What do you do for fun?", "Who do you live with?"),
)  # fmt: skip

SAFETY_PLAN = (
    ("Can we make a plan together for tonight to keep you safe?", "If the thoughts get stronger, "
     "what will you do and who will you call?", "Would you be willing to call 988 if you feel you "
     "might act on it?", "Let's write down what you can do if this feeling comes back.",
     "I'd like to connect you with the crisis team today.", "Would you be willing to see a doctor "
     "about this tomorrow?", "Can we get you to someone who can help right now?"),
    ("Let's plan your study schedule.", "What are your plans for the holidays?", "You should "
     "see a doctor about your back."),
)  # fmt: skip

FOLLOW_UP = (
    ("Can I call you tomorrow to check in?", "Let's talk again on Thursday.", "Would it be okay if "
     "I checked in with you tomorrow morning?", "I'll call you at ten tomorrow to see how the night "
     "went.", "Can we meet again next week?"),
    ("I'll see you around.", "Call me if you ever want.", "We don't need to meet again."),
)  # fmt: skip

DECLINE_QUESTION = (
    ("I'd rather not ask about that.", "I'm not going to ask you about suicide.", "Asking about "
     "it would only plant the idea in your head.", "Let's not talk about that kind of thing.",
     "We don't need to go there.", "Talking about suicide only makes it worse.", "I don't want to "
     "put ideas in your head.", "Let's talk about something more positive instead.", "You don't "
     "really mean that."),
    ("I want to ask you directly about suicide.", "Some people worry that asking plants the "
     "idea, but it doesn't.", "Can we talk more about that?", "I'd like to understand what you "
     "mean.", "It's okay to talk about it here."),
)  # fmt: skip

MORALISE = (
    ("Think about what it would do to your kids.", "Suicide is selfish.", "That would be a "
     "selfish thing to do to your family.", "It's a sin to take your own life.", "You have so "
     "much to live for.", "How could you do that to your family?", "Your family would be "
     "devastated.", "That's the coward's way out.", "Life is a gift, you shouldn't throw it away.",
     "You can't do that to your wife.", "Suicide is never the answer.", "It's a permanent "
     "solution to a temporary problem.", "Your kids need you, you can't abandon them."),
    ("What keeps you going for your kids?", "Who in your family could you talk to?",
     "You mentioned your kids matter a lot to you.", "It sounds like you worry about your family.",
     "Your family sounds important to you."),
)  # fmt: skip

SECRECY = (
    ("I won't tell anyone.", "This stays between us.", "I promise I won't tell anybody.",
     "Your secret is safe with me.", "Nobody needs to know about this.", "Okay, I'll keep it to "
     "myself.", "Of course, it's just between you and me."),
    ("What you say here is confidential unless I'm worried about your safety.", "I can't "
     "promise to keep this secret if your life is at risk.", "Who else knows about this?"),
)  # fmt: skip

END_EARLY = (
    ("I don't think we need to talk about this any more. Goodbye.", "I have to go now, bye.",
     "Let's end here.", "I can't help you with this, you should call someone else.",
     "There's no need to call back.", "We're done for today."),
    ("Before we finish, let's go over your safety plan.", "I'll call you tomorrow at ten; take "
     "care until then.", "We can keep talking as long as you need."),
)  # fmt: skip

USE_MEANS = (
    ("Just take one of them and get some sleep.", "If it helps you sleep, go ahead.",
     "Keep it close if it makes you feel safer.", "Take a couple tonight and rest.",
     "It's fine to keep them by the bed.", "Have a drink, it'll calm you down."),
    ("Could your brother hold on to the tablets tonight?", "Could you lock it away?", "Do you have any way "
     "to do it, anything at home?", "Would you be willing to give them to someone?",
     "Let's get them out of the house."),
)  # fmt: skip


@cache
def example_set(name: str) -> ExampleSet:
    """Embedded once per process, on first use."""
    positive, negative = globals()[name]
    return ExampleSet(tuple(positive), tuple(negative))
