// The review queue (GET /v1/reviews?status=) and the review page: the transcript beside the AI's
// evaluation, per-criterion overrides with comments, red flag decisions, the final pass/fail
// (POST /v1/sessions/{id}/review with an Idempotency-Key per submission).
import { api, get, newIdempotencyKey } from '../api.js';
import { badge, errorBox, formatDate, h, notFound, notice, pageHeader, replace } from '../dom.js';
import { queryParams } from '../router.js';
import { transcriptList } from './conversation.js';
import { RATING_TEXT, metricsList, ratingBadge } from './evaluation.js';

const TABS = [['pending', 'Pending'], ['overdue', 'Overdue'], ['done', 'Done']];
const STATUS_KIND = { pending: 'live', overdue: 'warn', done: 'good' };

function queueRow(r) {
  return h('tr', {},
    h('td', {}, h('a', { href: `#/reviews/${r.session_id}` }, r.scenario.title),
      h('span', { class: 'muted small' }, r.assignment_id ? ` · attempt ${r.attempt}` : ' · practice')),
    h('td', {}, h('a', { href: `#/trainees/${encodeURIComponent(r.trainee_id)}/progress` }, r.trainee_id)),
    h('td', { class: 'num' }, r.ai_score != null ? Math.round(r.ai_score) : '—',
      r.passed == null ? null : h('span', { class: 'muted small' }, r.passed ? ' pass' : ' fail')),
    h('td', {}, r.review_status === 'done' ? `${r.reviewer || '—'}, ${formatDate(r.reviewed_at)}` : formatDate(r.review_due_at)),
    h('td', {}, badge(r.review_status, STATUS_KIND[r.review_status] || 'neutral'), r.needs_review ? [' ', badge('AI asks for a human', 'warn')] : null));
}

export async function reviewQueueView({ main, signal }) {
  const wanted = queryParams().get('status');
  const status = TABS.some(([k]) => k === wanted) ? wanted : 'pending';
  const tabs = h('nav', { 'aria-label': 'Review status', class: 'tabs' }, TABS.map(([key, label]) =>
    h('a', { href: `#/reviews?status=${key}`, 'aria-current': key === status ? 'page' : null }, label)));
  const body = h('tbody');
  const more = h('div');
  const load = async (cursor) => {
    const page = await get(`/v1/reviews?status=${status}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal });
    body.append(...page.items.map(queueRow));
    replace(more, page.next_cursor ? h('button', { type: 'button', onclick: () => load(page.next_cursor).catch((err) => replace(more, errorBox(err))) }, 'Show more') : null);
    return page;
  };
  const first = await load(null);
  replace(main, pageHeader('Reviews'), tabs,
    first.items.length === 0 ? h('p', { class: 'muted' }, status === 'done' ? 'No reviews done yet.' : `No ${status} reviews.`)
      : [h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, `${status} reviews, oldest due first`),
        h('thead', {}, h('tr', {}, ['Scenario', 'Trainee', 'AI score', status === 'done' ? 'Reviewed' : 'Due', 'State'].map((t) => h('th', { scope: 'col' }, t)))),
        body)), more]);
}

function criterionFieldset(c, i, previous) {
  const others = Object.keys(RATING_TEXT).filter((r) => r !== c.rating);
  return h('fieldset', { class: 'card stack' },
    h('legend', {}, c.title),
    h('p', {}, 'AI: ', ratingBadge(c.rating), ' ', c.feedback),
    c.evidence.map((e) => h('blockquote', {}, `“${e.quote}” `, h('a', {
      href: `#turn-${e.seq}`, class: 'muted',
      onclick: (ev) => { ev.preventDefault(); document.getElementById(`turn-${e.seq}`)?.scrollIntoView({ block: 'center' }); },
    }, `turn ${e.seq}`))),
    c.better_alternative ? h('p', { class: 'muted' }, `Better: ${c.better_alternative}`) : null,
    h('label', { for: `ov-rating-${i}` }, 'Your rating'),
    h('select', { id: `ov-rating-${i}`, name: `rating:${c.id}` },
      h('option', { value: '' }, `Keep the AI’s rating (${RATING_TEXT[c.rating]})`),
      others.map((r) => h('option', { value: r, selected: previous?.rating === r }, `Change to ${RATING_TEXT[r]}`))),
    h('label', { for: `ov-comment-${i}` }, 'Comment (required when you change the rating)'),
    h('textarea', { id: `ov-comment-${i}`, name: `comment:${c.id}`, rows: '2', maxlength: '4000' }, previous?.comment || ''));
}

function flagFieldset(f, i, previous) {
  const decided = previous?.decision || 'confirmed';
  return h('fieldset', { class: 'card stack flag' },
    h('legend', {}, `Red flag: ${f.title}`, f.critical ? ' (critical)' : ''),
    f.quote ? h('blockquote', {}, `“${f.quote}” (turn ${f.seq})`) : null, f.why ? h('p', {}, f.why) : null,
    h('div', { class: 'check' }, h('input', { type: 'radio', id: `flag-c-${i}`, name: `flag:${f.id}`, value: 'confirmed', checked: decided === 'confirmed' }), h('label', { for: `flag-c-${i}` }, 'Confirm')),
    h('div', { class: 'check' }, h('input', { type: 'radio', id: `flag-d-${i}`, name: `flag:${f.id}`, value: 'dismissed', checked: decided === 'dismissed' }), h('label', { for: `flag-d-${i}` }, 'Dismiss')),
    h('label', { for: `flag-comment-${i}` }, 'Comment (optional)'),
    h('textarea', { id: `flag-comment-${i}`, name: `flagcomment:${f.id}`, rows: '2', maxlength: '4000' }, previous?.comment || ''));
}

// The body of POST /v1/sessions/{id}/review (core.contracts.ReviewRequest).
function reviewBody(form, ev) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) || '').trim();
  const criteria = [];
  for (const c of ev.criteria) {
    const rating = data.get(`rating:${c.id}`);
    if (rating) criteria.push({ id: c.id, rating, comment: text(`comment:${c.id}`) || null });
  }
  return {
    passed: data.get('passed') === 'pass',
    comment: text('comment') || null,
    criteria,
    red_flags: (ev.red_flags || []).map((f) => ({ id: f.id, decision: data.get(`flag:${f.id}`), comment: text(`flagcomment:${f.id}`) || null })),
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
  const [transcript, evRes, revs] = await Promise.all([
    get(`/v1/sessions/${encodeURIComponent(id)}/transcript`, { signal }),
    api('GET', `/v1/sessions/${encodeURIComponent(id)}/evaluation`, { signal }).catch((err) => err),
    get(`/v1/sessions/${encodeURIComponent(id)}/evaluation/revisions`, { signal }).catch(() => ({ items: [] })),
  ]);
  const left = h('section', { 'aria-labelledby': 'rt-h', class: 'stack' }, h('h2', { id: 'rt-h' }, 'Transcript'), transcriptList(transcript.turns, transcript.transcript_purged));
  let right;
  if (evRes instanceof Error || evRes.status !== 200) {
    right = h('section', { class: 'stack' }, evRes instanceof Error ? errorBox(evRes, 'No evaluation to review.') : notice('The evaluation is not ready yet: come back when it is written.'));
  } else {
    // The AI's own evaluation is revision 1: the form shows its ratings; a re-review starts
    // from the last review's decisions.
    const current = evRes.data;
    const ai = revs.items.find((r) => r.kind === 'ai')?.evaluation || current;
    const prior = current.review;
    const priorOverride = new Map((prior?.overrides || []).map((o) => [o.id, o]));
    const priorFlag = new Map((prior?.red_flags || []).map((d) => [d.id, d]));
    const finalPass = prior ? prior.passed : ai.passed;
    const status = h('div', { 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary' }, prior ? 'Submit a new review' : 'Submit review');
    const form = h('form', { class: 'stack', novalidate: true },
      h('p', {}, `AI score ${Math.round(ai.overall_score)} / 100 (pass mark ${ai.pass_mark}): `, ai.passed ? badge('passed', 'good') : badge('not passed', 'bad')),
      ai.needs_review ? notice(`The AI asks for a human review${ai.review_reasons?.length ? `: ${ai.review_reasons.join('; ')}` : ''}.`, 'warning') : null,
      prior ? notice(`Reviewed by ${prior.reviewer} on ${formatDate(prior.at)} (${prior.passed ? 'pass' : 'fail'}). A new review is a new revision.`) : null,
      ai.criteria.map((c, i) => criterionFieldset(c, i, priorOverride.get(c.id))),
      (ai.red_flags || []).map((f, i) => flagFieldset(f, i, priorFlag.get(f.id))),
      h('details', {}, h('summary', {}, 'Skill metrics'), metricsList(ai.metrics)),
      h('fieldset', { class: 'card stack' }, h('legend', {}, 'Final decision'),
        h('div', { class: 'check' }, h('input', { type: 'radio', id: 'final-pass', name: 'passed', value: 'pass', checked: finalPass }), h('label', { for: 'final-pass' }, 'Pass')),
        h('div', { class: 'check' }, h('input', { type: 'radio', id: 'final-fail', name: 'passed', value: 'fail', checked: !finalPass }), h('label', { for: 'final-fail' }, 'Fail')),
        h('label', { for: 'review-comment' }, 'Comment for the trainee'), h('textarea', { id: 'review-comment', name: 'comment', rows: '3', maxlength: '4000' }, prior?.comment || '')),
      status, h('div', {}, submit));
    let key = newIdempotencyKey(); // the same key while the same review is retried
    form.addEventListener('input', () => { key = newIdempotencyKey(); replace(status); });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = reviewBody(form, ai);
      if (body.criteria.some((o) => !o.comment)) { replace(status, notice('Add a comment to every rating you change.', 'error')); return; }
      submit.disabled = true;
      try {
        const res = await api('POST', `/v1/sessions/${encodeURIComponent(id)}/review`, { body, signal, headers: { 'Idempotency-Key': key } });
        const r = res.data;
        replace(status, h('div', { class: 'notice notice-success', role: 'status' },
          `Review saved (revision ${r.revision}): ${r.passed ? 'pass' : 'fail'}, score ${Math.round(r.overall_score)}. `,
          h('a', { href: `#/sessions/${id}/evaluation` }, 'See the evaluation as the trainee sees it')));
      } catch (err) {
        replace(status, errorBox(err, 'The review was not saved.'));
      } finally {
        submit.disabled = false;
      }
    });
    right = h('section', { 'aria-labelledby': 're-h', class: 'stack' }, h('h2', { id: 're-h' }, 'AI evaluation and your review'), form);
  }
  replace(main, pageHeader(`Review: ${session.scenario.title}`, h('p', { class: 'muted' },
    `Trainee ${session.user_id} · attempt ${session.attempt}`,
    session.review_status ? [' · ', badge(`review ${session.review_status}`, STATUS_KIND[session.review_status] || 'neutral')] : null,
    session.review_due_at && session.review_status !== 'done' ? ` · due ${formatDate(session.review_due_at)}` : '')),
    h('div', { class: 'split' }, left, right));
}
