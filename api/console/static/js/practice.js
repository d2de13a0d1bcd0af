// Starting a practice: by voice when the server has LiveKit, otherwise by text. The start
// response (with the LiveKit token, which is never stored) is kept in memory for the session page.
import { api, newIdempotencyKey } from './api.js';

const started = new Map();

export function startResponse(sessionId) {
  return started.get(sessionId) || null;
}

export async function startPractice(target, modality) {
  // One key per click: a retried request (429/503) cannot start a second session.
  const res = await api('POST', '/v1/sessions', { body: { ...target, modality }, headers: { 'Idempotency-Key': newIdempotencyKey() } });
  started.set(res.data.session_id, res.data);
  return res.data;
}
