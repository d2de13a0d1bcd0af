import { api, get, newIdempotencyKey, post, sleep } from '../api.js';
import { announce, errorBox, formatDate, h, notFound, notice, pageHeader, replace } from '../dom.js';
import { startResponse } from '../practice.js';
import { navigate } from '../router.js';
import { joinVoice } from '../voice.js';
import { PHASE_LABEL, phaseBadge } from './sessions.js';

const POLL_SECONDS = 2;

export function turnItem(turn) {
  const who = turn.speaker === 'trainee' ? 'Trainee' : 'Client';
  return h('li', { class: `turn turn-${turn.speaker}`, id: `turn-${turn.seq}` },
    h('div', { class: 'turn-who' }, `${who} · turn ${turn.seq}`),
    h('p', { class: 'prewrap' }, turn.text));
}

const PURGED_TEXT = 'The transcript of this attempt was removed by the retention policy. Its scores are kept.';

export function transcriptList(turns, purged = false) {
  if (purged) return h('p', { class: 'notice notice-info', role: 'status' }, PURGED_TEXT);
  return turns.length === 0
    ? h('p', { class: 'muted' }, 'No turns yet.')
    : h('ol', { class: 'transcript' }, turns.map(turnItem));
}

const RETRY_TYPES = new Set(['reply_in_progress', 'session_starting']); // retryable 409s
const RETRY_LIMIT = 5;

// POST /v1/sessions/{id}/messages with one Idempotency-Key per message: a retry (after a
// retryable 409, or 429/503 in api.js) records the message once and returns the same reply.
async function sendMessage(sessionId, text, signal) {
  const key = newIdempotencyKey();
  for (let attempt = 0; ; attempt += 1) {
    try {
      const res = await api('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/messages`, { body: { text }, signal, headers: { 'Idempotency-Key': key } });
      return res.data;
    } catch (err) {
      if (!(err.retryable && RETRY_TYPES.has(err.type)) || attempt >= RETRY_LIMIT) throw err;
      await sleep(1 + attempt, signal);
    }
  }
}

function textChat(session, ui, signal) {
  const status = h('div');
  const input = h('textarea', { id: 'chat-text', name: 'text', rows: '3', required: true, maxlength: '4000' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { class: 'chat stack' },
    h('label', { for: 'chat-text' }, 'Your reply to the client'),
    input, status, h('div', { class: 'actions' }, send));
  // Enter sends, Shift+Enter starts a new line.
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (send.disabled) return;
    const text = input.value.trim();
    if (!text) { replace(status, notice('Write something first.', 'error')); return; }
    send.disabled = true;
    input.readOnly = true;
    replace(status, h('p', { class: 'muted typing', role: 'status' }, 'The client is replying…'));
    try {
      const reply = await sendMessage(session.session_id, text, signal);
      input.value = '';
      replace(status);
      ui.showTurns([reply.trainee_turn, reply.client_turn]);
      await ui.refresh();
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(status, err.type === 'session_ended'
        ? notice('The conversation is over: your message was not sent.', 'warning')
        : errorBox(err, 'Your message was not sent.'));
    } finally {
      send.disabled = false;
      input.readOnly = false;
      if (!signal.aborted && input.isConnected) input.focus();
    }
  });
  return form;
}

function voicePanel(access, signal) {
  const state = h('p', { role: 'status' }, 'Not connected.');
  const audio = h('div', { class: 'visually-hidden' });
  let call = null;
  let muted = false;
  const mute = h('button', { type: 'button', disabled: true, 'aria-pressed': 'false' }, 'Mute microphone');
  mute.addEventListener('click', async () => {
    muted = !muted;
    await call.setMuted(muted);
    mute.setAttribute('aria-pressed', String(muted));
    mute.textContent = muted ? 'Unmute microphone' : 'Mute microphone';
  });
  const join = h('button', { type: 'button', class: 'primary' }, 'Connect microphone');
  join.addEventListener('click', async () => {
    join.disabled = true;
    try {
      call = await joinVoice(access, {
        signal, audioParent: audio,
        onState: (s) => { state.textContent = { connecting: 'Connecting…', connected: 'Connected: speak when you are ready.', reconnecting: 'Reconnecting…', disconnected: 'Disconnected.' }[s] || s; },
      });
      mute.disabled = false;
    } catch (err) {
      join.disabled = false;
      state.textContent = `Could not connect: ${err.message}`;
    }
  });
  return h('div', { class: 'card stack' }, h('h2', {}, 'Voice'), state, h('div', { class: 'actions' }, join, mute), audio);
}

export async function conversationView({ main, params, signal, user }) {
  const id = params.id;
  let session;
  try {
    session = await get(`/v1/sessions/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (err.status === 404 || err.status === 422) { replace(main, notFound('session')); return; }
    throw err;
  }
  const started = startResponse(session.session_id);
  const live = h('div', { class: 'live-meta' });
  const transcript = h('section', { 'aria-labelledby': 'transcript-h', class: 'stack' });
  const controls = h('div', { class: 'stack' });
  const isOwner = session.user_id === user.id;
  let lastCount = -1;

  const renderMeta = () => replace(live,
    phaseBadge(session.phase), ' ', h('span', { class: 'muted' }, `${session.turn_count} turns`),
    session.end_reason ? h('span', { class: 'muted' }, ` · ended: ${session.end_reason.replaceAll('_', ' ')}`) : null);

  const turns = new Map(); // seq → turn: the transcript, merged from replies and polls
  const showTurns = (list, purged = false) => {
    const fresh = list.filter((t) => !turns.has(t.seq));
    for (const t of list) turns.set(t.seq, t);
    if (fresh.length === 0 && lastCount >= 0) return;
    lastCount = turns.size;
    const ordered = [...turns.values()].sort((a, b) => a.seq - b.seq);
    replace(transcript, h('h2', { id: 'transcript-h' }, 'Conversation'), transcriptList(ordered, purged));
    const lastClient = fresh.filter((x) => x.speaker === 'client').pop();
    if (lastClient) announce(`Client: ${lastClient.text}`);
    const last = transcript.querySelector('.transcript > li:last-child');
    if (last && fresh.length) last.scrollIntoView({ block: 'nearest' });
  };

  const refresh = async () => {
    const [s, t] = await Promise.all([
      get(`/v1/sessions/${encodeURIComponent(id)}`, { signal }),
      get(`/v1/sessions/${encodeURIComponent(id)}/transcript`, { signal }),
    ]);
    const phaseChanged = s.phase !== session.phase;
    session = s;
    renderMeta();
    showTurns(t.turns, t.transcript_purged);
    if (phaseChanged) announce(`Session ${PHASE_LABEL[s.phase] || s.phase}.`);
    if (isActive() !== shownActive) renderControls(); // keeps a half-written reply otherwise
    renderShare();
  };
  const ui = { refresh, showTurns };

  const endButton = h('button', { type: 'button', class: 'danger' }, 'End conversation');
  endButton.addEventListener('click', async () => {
    endButton.disabled = true;
    try {
      await post(`/v1/sessions/${encodeURIComponent(id)}/end`, undefined, { signal });
      navigate(`#/sessions/${id}/evaluation`);
    } catch (err) {
      endButton.disabled = false;
      controls.prepend(errorBox(err, 'The conversation could not be ended.'));
    }
  });

  // Practice is private to the trainee until shared; assessed sessions are seen by supervisors anyway.
  const share = h('div', { class: 'share' });
  let shareMessage = null;
  function renderShare() {
    if (!isOwner || session.assignment_id) { replace(share); return; }
    if (session.shared_at) {
      replace(share, shareMessage, h('p', { class: 'muted' }, `Shared with your supervisors on ${formatDate(session.shared_at)}.`));
      return;
    }
    const button = h('button', { type: 'button' }, 'Share with my supervisor');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const shared = await post(`/v1/sessions/${encodeURIComponent(id)}/share`, undefined, { signal });
        session = { ...session, shared_at: shared.shared_at };
        shareMessage = notice('Shared: the supervisors of your teams can now see this session and its evaluation.', 'success');
        renderShare();
      } catch (err) {
        button.disabled = false;
        replace(share, button, errorBox(err, 'Not shared.'));
      }
    });
    replace(share, button);
  }

  let shownActive = null;
  function isActive() {
    return session.status === 'active' && !['finalizing', 'evaluating'].includes(session.phase);
  }
  function renderControls() {
    const active = isActive();
    shownActive = active;
    const voice = started && started.livekit;
    replace(controls,
      active && isOwner && voice ? voicePanel(started.livekit, signal) : null,
      active && isOwner && !voice && session.modality === 'voice'
        ? notice('This voice session can only be joined from the page that started it. End it, or start a new one from the library.', 'warning') : null,
      active && isOwner && !voice && session.modality !== 'voice' ? textChat(session, ui, signal) : null,
      h('div', { class: 'actions' },
        active && isOwner ? endButton : null,
        h('a', { class: 'button', href: `#/sessions/${id}/evaluation` }, 'Evaluation')),
      share);
  }

  replace(main,
    pageHeader(session.scenario.title, live),
    h('details', {}, h('summary', {}, 'Briefing'), h('p', { class: 'prewrap' }, session.scenario.briefing)),
    h('p', { class: 'muted' }, !isOwner ? `Trainee ${session.user_id} · attempt ${session.attempt}${session.assignment_id ? ' · assessed' : ' · practice'} · ` : '',
      `Scenario version ${session.scenario_version}`),
    h('div', { class: 'conversation' }, transcript, controls));
  renderMeta();
  renderControls();
  renderShare();
  // A text session's opening line is turn 0: shown at once from the start response.
  if (started && started.opening_line) showTurns([{ seq: 0, speaker: 'client', text: started.opening_line }]);
  await refresh();
  // Poll while the conversation runs; the loop ends when the user leaves (signal) or it is over.
  (async () => {
    while (!signal.aborted && session.status === 'active') {
      await sleep(POLL_SECONDS, signal);
      await refresh();
    }
  })().catch((err) => { if (err.name !== 'AbortError') controls.prepend(errorBox(err, 'Live updates stopped.')); });
}
