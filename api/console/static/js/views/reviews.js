// The review queue and the review page, written against the contract: GET /v1/reviews?status=,
// POST /v1/sessions/{id}/review. Until the server has them, the pages say so.
import { api, get } from '../api.js';
import { badge, errorBox, formatDate, h, isMissingEndpoint, notFound, notice, pageHeader, replace, unavailable } from '../dom.js';
import { queryParams } from '../router.js';
import { transcriptList } from './conversation.js';
import { metricsList, ratingBadge } from './evaluation.js';

const TABS = [['pending', 'Pending'], ['overdue', 'Overdue'], ['done', 'Done']];

function queueRow(r) {
  const id = r.session_id || r.id;
  return h('tr', {},
    h('td', {}, h('a', { href: `#/reviews/${id}` }, r.scenario_title || r.scenario?.title || 'Session')),
    h('td', {}, r.trainee_id || r.user_id || '—'),
    h('td', {}, r.overall_score != null ? `${Math.round(r.overall_score)}` : '—'),
    h('td', {}, formatDate(r.review_due_at || r.due_at || r.ended_at)),
    h('td', {}, r.overdue ? badge('overdue', 'warn') : badge(r.status || 'pending')));
}

export async function reviewQueueView({ main, signal }) {
  const status = queryParams().get('status') || 'pending';
  const tabs = h('nav', { 'aria-label': 'Review status', class: 'tabs' }, TABS.map(([key, label]) =>
    h('a', { href: `#/reviews?status=${key}`, 'aria-current': key === status ? 'page' : null }, label)));
  let content;
  try {
    const page = await get(`/v1/reviews?status=${status}`, { signal });
    const items = Array.isArray(page) ? page : page.items || [];
    content = items.length === 0 ? h('p', { class: 'muted' }, 'Nothing here.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Scenario', 'Trainee', 'AI score', 'Due', 'State'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(queueRow))));
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    content = isMissingEndpoint(err) ? unavailable('The review queue') : errorBox(err);
  }
  replace(main, pageHeader('Reviews'), tabs, content);
}

const RATINGS = [['', 'Keep the AI rating'], ['met', 'Met'], ['partly', 'Partly met'], ['not_met', 'Not met']];

function criterionFieldset(c, i) {
  return h('fieldset', { class: 'card stack' },
    h('legend', {}, c.title),
    h('p', {}, 'AI: ', ratingBadge(c.rating), ' ', c.feedback),
    c.evidence.map((e) => h('blockquote', {}, `“${e.quote}” `, h('a', { href: `#turn-${e.seq}`, class: 'muted', onclick: (ev) => { ev.preventDefault(); document.getElementById(`turn-${e.seq}`)?.scrollIntoView(); } }, `turn ${e.seq}`))),
    h('label', { for: `ov-rating-${i}` }, 'Your rating'),
    h('select', { id: `ov-rating-${i}`, name: `rating:${c.id}` }, RATINGS.map(([v, t]) => h('option', { value: v }, t))),
    h('label', { for: `ov-comment-${i}` }, 'Comment (required when you change the rating)'),
    h('textarea', { id: `ov-comment-${i}`, name: `comment:${c.id}`, rows: '2' }));
}

function flagFieldset(f, i) {
  return h('fieldset', { class: 'card stack' },
    h('legend', {}, `Red flag: ${f.title}`),
    h('blockquote', {}, `“${f.quote}” (turn ${f.seq})`), h('p', {}, f.why),
    h('div', { class: 'check' }, h('input', { type: 'radio', id: `flag-c-${i}`, name: `flag:${f.id}`, value: 'confirmed', checked: true }), h('label', { for: `flag-c-${i}` }, 'Confirm')),
    h('div', { class: 'check' }, h('input', { type: 'radio', id: `flag-d-${i}`, name: `flag:${f.id}`, value: 'dismissed' }), h('label', { for: `flag-d-${i}` }, 'Dismiss')));
}

// The body sent to POST /v1/sessions/{id}/review (names from the contract's Evaluation.review).
function reviewBody(form, ev) {
  const data = new FormData(form);
  const overrides = [];
  for (const c of ev.criteria) {
    const rating = data.get(`rating:${c.id}`);
    const comment = String(data.get(`comment:${c.id}`) || '').trim();
    if (rating && rating !== c.rating) overrides.push({ criterion_id: c.id, rating, comment });
  }
  return {
    passed: data.get('passed') === 'pass',
    comment: String(data.get('comment') || '').trim(),
    overrides,
    red_flags: (ev.red_flags || []).map((f) => ({ id: f.id, decision: data.get(`flag:${f.id}`) })),
  };
}

export async function reviewView({ main, params, signal }) {
  const id = params.id;
  let session;
  try {
    session = await get(`/v1/sessions/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (err.status === 404 || err.status === 422) { replace(main, notFound('session')); return; }
    throw err;
  }
  const [transcript, evRes] = await Promise.all([
    get(`/v1/sessions/${encodeURIComponent(id)}/transcript`, { signal }),
    api('GET', `/v1/sessions/${encodeURIComponent(id)}/evaluation`, { signal }).catch((err) => err),
  ]);
  const left = h('section', { 'aria-labelledby': 'rt-h', class: 'stack' }, h('h2', { id: 'rt-h' }, 'Transcript'), transcriptList(transcript.turns));
  let right;
  if (evRes instanceof Error || evRes.status !== 200) {
    right = evRes instanceof Error ? errorBox(evRes, 'No evaluation to review.') : notice('The evaluation is not ready yet.');
  } else {
    const ev = evRes.data;
    const status = h('div');
    const form = h('form', { class: 'stack' },
      h('p', {}, `AI score ${Math.round(ev.overall_score)} / 100 (pass mark ${ev.pass_mark}): `, ev.passed ? badge('passed', 'good') : badge('not passed', 'bad')),
      ev.criteria.map(criterionFieldset), (ev.red_flags || []).map(flagFieldset),
      h('details', {}, h('summary', {}, 'Skill metrics'), metricsList(ev.metrics)),
      h('fieldset', { class: 'card stack' }, h('legend', {}, 'Final decision'),
        h('div', { class: 'check' }, h('input', { type: 'radio', id: 'final-pass', name: 'passed', value: 'pass', checked: ev.passed }), h('label', { for: 'final-pass' }, 'Pass')),
        h('div', { class: 'check' }, h('input', { type: 'radio', id: 'final-fail', name: 'passed', value: 'fail', checked: !ev.passed }), h('label', { for: 'final-fail' }, 'Fail')),
        h('label', { for: 'review-comment' }, 'Comment for the trainee'), h('textarea', { id: 'review-comment', name: 'comment', rows: '3' })),
      status, h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Submit review')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = reviewBody(form, ev);
      const missing = body.overrides.filter((o) => !o.comment);
      if (missing.length) { replace(status, notice('Add a comment to every rating you change.', 'error')); return; }
      try {
        await api('POST', `/v1/sessions/${encodeURIComponent(id)}/review`, { body, signal });
        replace(status, notice('Review saved.', 'success'));
      } catch (err) {
        replace(status, isMissingEndpoint(err) ? unavailable('Supervisor review') : errorBox(err, 'The review was not saved.'));
      }
    });
    right = h('section', { 'aria-labelledby': 're-h', class: 'stack' }, h('h2', { id: 're-h' }, 'AI evaluation and your review'), form);
  }
  replace(main, pageHeader(`Review: ${session.scenario.title}`, h('p', { class: 'muted' }, `Trainee ${session.user_id} · attempt ${session.attempt}`)),
    h('div', { class: 'split' }, left, right));
}
