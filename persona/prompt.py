"""The persona's instructions, built from the scenario the same way for voice and text: the
scenario's persona prompt (core.scenarios.prompt.persona_prompt, the one builder, stored in
the `persona_prompt` column) plus how to play it, and the conversation as chat messages."""

from __future__ import annotations

from collections.abc import Sequence

from core.contracts.base import Speaker

# Appended to the scenario's persona prompt: the scenario says who the client is, this says how
# to play them in a practice conversation (whatever the modality).
_PLAYING = (
    "\n\nYou are playing this client in a practice conversation with a counselor in training. "
    "Stay in character; never say you are an AI, a model or a role-play. Reply only with what "
    "the client says next, in one to three sentences, and let the counselor lead."
)

# The OpenAI chat roles of the two speakers: the model plays the client.
_ROLES: dict[Speaker, str] = {"trainee": "user", "client": "assistant"}


def instructions(persona_prompt: str) -> str:
    """The system prompt of the client persona for a scenario's `persona.prompt`."""
    return persona_prompt.rstrip() + _PLAYING


def chat_messages(
    persona_prompt: str, history: Sequence[tuple[Speaker, str]]
) -> list[dict[str, str]]:
    """OpenAI chat-completions messages: the instructions, then the conversation so far."""
    messages = [{"role": "system", "content": instructions(persona_prompt)}]
    messages += [{"role": _ROLES[speaker], "content": text} for speaker, text in history]
    return messages
