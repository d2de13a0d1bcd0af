"""The role-play persona engine, one for both modalities: the voice agent (agent/, through a
livekit `llm.LLM` adapter) and the text modality's `client_reply` activity call the same code,
with the same prompt built from the scenario. Imports only `core`."""
