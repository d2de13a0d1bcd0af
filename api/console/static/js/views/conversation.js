import { api, get, newIdempotencyKey, post, sleep } from '../api.js';
import { announce, errorBox, h, isMissingEndpoint, notFound, notice, pageHeader, replace, unavailable } from '../dom.js';
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

export function transcriptList(turns) {
  return turns.length === 0
    ? h('p', { class: 'muted' }, 'No turns yet.')
    : h('ol', { class: 'transcript' }, turns.map(turnItem));
}

function textChat(session, ui) {
  const status = h('div');
  const input = h('textarea', { id: 'chat-text', name: 'text', rows: '3', required: true, maxlength: '4000' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { class: 'chat stack' },
    h('label', { for: 'chat-text' }, 'Your reply to the client'),
    input, status, h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { replace(status, notice('Write something first.', 'error')); return; }
    send.disabled = true;
    replace(status, h('p', { class: 'muted', role: 'status' }, 'The client is replying…'));
    try {
      await api('POST', `/v1/sessions/${session.session_id}/messages`, { body: { text }, headers: { 'Idempotency-Key': newIdempotencyKey() } });
      input.value = '';
      replace(status);
      await ui.refresh();
    } catch (err) {
      if (isMissingEndpoint(err)) {
        replace(status, unavailable('Text practice'));
        input.disabled = true;
        return;
      }
      replace(status, err.type === 'reply_in_progress'
        ? notice('The client is still answering your last message. Wait a moment, then send again.', 'warning')
        : errorBox(err, 'Your message was not sent.'));
    } finally {
      if (!input.disabled) send.disabled = false;
      input.focus();
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

  const refresh = async () => {
    const [s, t] = await Promise.all([
      get(`/v1/sessions/${encodeURIComponent(id)}`, { signal }),
      get(`/v1/sessions/${encodeURIComponent(id)}/transcript`, { signal }),
    ]);
    const phaseChanged = s.phase !== session.phase;
    session = s;
    renderMeta();
    if (t.turns.length !== lastCount) {
      const fresh = t.turns.slice(Math.max(lastCount, 0));
      lastCount = t.turns.length;
      replace(transcript, h('h2', { id: 'transcript-h' }, 'Conversation'), transcriptList(t.turns));
      const lastClient = fresh.filter((x) => x.speaker === 'client').pop();
      if (lastClient) announce(`Client: ${lastClient.text}`);
    }
    if (phaseChanged) announce(`Session ${PHASE_LABEL[s.phase] || s.phase}.`);
    if (isActive() !== shownActive) renderControls(); // keeps a half-written reply otherwise
  };
  const ui = { refresh };

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

  const shareStatus = h('div');
  const shareButton = h('button', { type: 'button' }, 'Share with my supervisor');
  shareButton.addEventListener('click', async () => {
    try {
      await post(`/v1/sessions/${encodeURIComponent(id)}/share`, undefined, { signal });
      replace(shareStatus, notice('Shared: your supervisors can now see this session.', 'success'));
      shareButton.disabled = true;
    } catch (err) {
      replace(shareStatus, isMissingEndpoint(err) ? unavailable('Sharing') : errorBox(err, 'Not shared.'));
    }
  });

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
      active && isOwner && !voice && session.modality !== 'voice' ? textChat(session, ui) : null,
      h('div', { class: 'actions' },
        active && isOwner ? endButton : null,
        h('a', { class: 'button', href: `#/sessions/${id}/evaluation` }, 'Evaluation'),
        isOwner && !session.assignment_id && session.shared !== true ? shareButton : null),
      shareStatus);
  }

  replace(main,
    pageHeader(session.scenario.title, live),
    h('details', {}, h('summary', {}, 'Briefing'), h('p', { class: 'prewrap' }, session.scenario.briefing)),
    started && started.opening_line ? h('p', { class: 'muted' }, `The client opens: “${started.opening_line}”`) : null,
    h('div', { class: 'conversation' }, transcript, controls));
  renderMeta();
  renderControls();
  await refresh();
  // Poll while the conversation runs; the loop ends when the user leaves (signal) or it is over.
  (async () => {
    while (!signal.aborted && session.status === 'active') {
      await sleep(POLL_SECONDS, signal);
      await refresh();
    }
  })().catch((err) => { if (err.name !== 'AbortError') controls.prepend(errorBox(err, 'Live updates stopped.')); });
}
