import { get, sleep, waitForEvaluation } from '../api.js';
import { isStaff, user } from '../auth.js';
import { badge, errorBox, formatDate, h, notFound, notice, pageHeader, replace } from '../dom.js';
import { labelSection } from './calibration.js';

const RATING = { met: ['met', 'good'], partly: ['partly met', 'warn'], not_met: ['not met', 'bad'] };

const END_REASON_TEXT = {
  no_conversation: 'The conversation was too short to evaluate: the trainee has to speak a few times before there is anything to assess.',
  agent_unavailable: 'The AI client never joined the conversation, so there was nothing to evaluate. Please start a new session.',
  cancelled: 'The session was cancelled before it could be evaluated.',
};

const METRIC_LABELS = {
  trainee_turns: 'Your turns', client_turns: 'Client turns', questions: 'Questions asked',
  open_questions: 'Open questions', closed_questions: 'Closed questions', reflections: 'Reflections',
  complex_reflections: 'Complex reflections', affirmations: 'Affirmations', summaries: 'Summaries',
  advice_without_permission: 'Advice without permission', trainee_talk_share: 'Your share of the talking',
  longest_trainee_monologue_words: 'Longest monologue (words)', reflection_to_question_ratio: 'Reflections per question',
  turns_per_minute: 'Turns per minute', client_engagement: 'Client engagement',
};

function metricValue(key, value) {
  if (typeof value !== 'number') return String(value);
  if (key === 'trainee_talk_share' || key === 'client_engagement') return `${Math.round(value * 100)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function metricsList(metrics) {
  const entries = Object.entries(metrics || {}).filter(([k, v]) => METRIC_LABELS[k] && v !== null && v !== undefined);
  return h('dl', { class: 'metrics' }, entries.map(([k, v]) => h('div', {}, h('dt', {}, METRIC_LABELS[k]), h('dd', {}, metricValue(k, v)))));
}

export function ratingBadge(rating) {
  const [text, kind] = RATING[rating] || [rating, 'neutral'];
  return badge(text, kind);
}

export const RATING_TEXT = { met: 'met', partly: 'partly met', not_met: 'not met' };

function overrideNote(o) {
  if (!o) return null;
  return h('div', { class: 'notice notice-review' },
    h('strong', {}, 'Supervisor: '), `${RATING_TEXT[o.rating] || o.rating} (the AI said ${RATING_TEXT[o.ai_rating] || o.ai_rating})`,
    o.comment ? h('p', { class: 'prewrap' }, `“${o.comment}”`) : null);
}

function criterionCard(c, override) {
  return h('li', { class: 'card stack' },
    h('div', { class: 'row' }, h('h3', {}, c.title), ratingBadge(c.rating), h('span', { class: 'muted' }, `${Math.round(c.score)} / 100 · weight ${c.weight}`)),
    overrideNote(override),
    c.feedback ? h('p', {}, c.feedback) : null,
    c.evidence.length ? h('div', {}, h('h4', {}, 'Evidence'), h('ul', { class: 'evidence' }, c.evidence.map((e) =>
      h('li', {}, h('blockquote', {}, `“${e.quote}”`), h('span', { class: 'muted' }, `turn ${e.seq}`))))) : null,
    c.better_alternative ? h('div', { class: 'alternative' }, h('h4', {}, 'You could try'), h('p', {}, c.better_alternative)) : null);
}

function redFlags(flags, decisions) {
  if (!flags || flags.length === 0) return h('p', { class: 'muted' }, 'No red flags.');
  return h('ul', { class: 'cards' }, flags.map((f) => h('li', { class: 'card stack flag' },
    h('div', { class: 'row' }, h('h3', {}, f.title), f.critical ? badge('critical', 'bad') : badge('caution', 'warn'),
      decisions.get(f.id) ? badge(`${decisions.get(f.id).decision} by the supervisor`, decisions.get(f.id).decision === 'confirmed' ? 'bad' : 'neutral') : null),
    decisions.get(f.id)?.comment ? h('p', { class: 'prewrap' }, `Supervisor: “${decisions.get(f.id).comment}”`) : null,
    f.quote ? h('blockquote', {}, `“${f.quote}”`) : null, h('span', { class: 'muted' }, `turn ${f.seq}`),
    f.why ? h('p', {}, f.why) : null)));
}

function reviewSection(r) {
  return h('section', { class: 'card stack review-block', 'aria-labelledby': 'review-h' },
    h('h2', { id: 'review-h' }, 'Supervisor review'),
    h('p', {}, r.passed ? badge('passed', 'good') : badge('not passed', 'bad'),
      ` Decided by ${r.reviewer} on ${formatDate(r.at)}.`,
      r.passed !== r.ai_passed ? ` The AI had ${r.ai_passed ? 'passed' : 'not passed'} it (score ${Math.round(r.ai_overall_score)}).` : ''),
    r.comment ? h('blockquote', { class: 'prewrap' }, r.comment) : null,
    h('p', { class: 'muted small' }, `${r.overrides.length} rating${r.overrides.length === 1 ? '' : 's'} changed · ${r.red_flags.length} red flag decision${r.red_flags.length === 1 ? '' : 's'}`));
}

export function evaluationReport(ev) {
  const score = Math.round(ev.overall_score);
  const overrides = new Map((ev.review?.overrides || []).map((o) => [o.id, o]));
  const decisions = new Map((ev.review?.red_flags || []).map((d) => [d.id, d]));
  return [
    ev.review ? reviewSection(ev.review) : null,
    ev.transcript_purged ? notice('The transcript of this attempt was removed by the retention policy: the scores, ratings and red flags are kept, the quotes and feedback are not.', 'info') : null,
    h('section', { class: 'card score', 'aria-labelledby': 'score-h' },
      h('h2', { id: 'score-h' }, 'Overall'),
      h('div', { class: 'big' }, `${score}`, h('span', { class: 'muted' }, ' / 100')),
      h('p', {}, ev.passed ? badge('passed', 'good') : badge('not passed', 'bad'), ` Pass mark ${ev.pass_mark}.`),
      ev.needs_review ? notice(`A supervisor should review this evaluation${ev.review_reasons?.length ? `: ${ev.review_reasons.join('; ')}` : ''}.`, 'warning') : null,
      h('p', { class: 'muted small' }, `Evaluator ${ev.evaluator.name} ${ev.evaluator.version}${ev.evaluator.fallback ? ' (fallback)' : ''} · ${formatDate(ev.created_at)}`)),
    h('section', { 'aria-labelledby': 'criteria-h' }, h('h2', { id: 'criteria-h' }, 'Criteria'), h('ul', { class: 'cards' }, ev.criteria.map((c) => criterionCard(c, overrides.get(c.id))))),
    h('section', { 'aria-labelledby': 'flags-h' }, h('h2', { id: 'flags-h' }, 'Red flags'), redFlags(ev.red_flags, decisions)),
    h('section', { 'aria-labelledby': 'skills-h' }, h('h2', { id: 'skills-h' }, 'Skills'), metricsList(ev.metrics)),
  ];
}

// The session once its workflow has moved past writing the evaluation (completed, or
// awaiting a supervisor's review): the evaluation is stored a moment before the phase changes.
async function settledSession(id, signal) {
  for (let i = 0; ; i += 1) {
    const s = await get(`/v1/sessions/${encodeURIComponent(id)}`, { signal });
    if (!['finalizing', 'evaluating'].includes(s.phase) || i >= 15) return s;
    await sleep(1, signal);
  }
}

const KIND_TEXT = { ai: 'AI evaluation', rescore: 'AI re-evaluation', review: 'supervisor review' };

// GET /v1/sessions/{id}/evaluation/revisions: every revision, the AI's original first.
async function revisions(id, signal) {
  const page = await get(`/v1/sessions/${encodeURIComponent(id)}/evaluation/revisions`, { signal });
  return [
    h('h2', { id: 'rev-h' }, 'History'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Revisions of this evaluation, oldest first'),
      h('thead', {}, h('tr', {}, ['Revision', 'By', 'Score', 'Result', 'When'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((r) => h('tr', {},
        h('td', { class: 'num' }, r.revision),
        h('td', {}, KIND_TEXT[r.kind] || r.kind, h('span', { class: 'muted small' }, ` · ${r.kind === 'review' && r.evaluation.review ? r.evaluation.review.reviewer : r.evaluator}`)),
        h('td', { class: 'num' }, Math.round(r.overall_score)),
        h('td', {}, r.passed ? badge('passed', 'good') : badge('not passed', 'bad')),
        h('td', {}, formatDate(r.created_at))))))),
  ];
}

export async function evaluationView({ main, params, signal }) {
  const id = params.id;
  let session;
  try {
    session = await get(`/v1/sessions/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (err.status === 404 || err.status === 422) { replace(main, notFound('session')); return; }
    throw err;
  }
  const body = h('div', { class: 'stack' });
  replace(main,
    pageHeader('Evaluation', h('p', { class: 'muted' }, session.scenario.title, ` · scenario version ${session.scenario_version} · `, h('a', { href: `#/sessions/${id}` }, 'Back to the conversation'))),
    body);
  try {
    const ev = await waitForEvaluation(id, {
      signal,
      onPending: (p) => replace(body, h('div', { class: 'notice notice-info pending', role: 'status' },
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        p.status === 'in_conversation'
          ? 'The conversation is still going. The evaluation is written when it ends; this page updates by itself.'
          : 'The evaluation is being written. This page updates by itself.')),
    });
    const reviewNote = h('div');
    // named by its heading once the heading exists (a name pointing at nothing is an error)
    const history = h('section');
    const labelling = h('div');
    replace(body, reviewNote, evaluationReport(ev), labelling, history);
    if (isStaff(user())) {
      labelSection(id, ev, signal).then((section) => replace(labelling, section)).catch((err) => {
        if (err.name !== 'AbortError') replace(labelling, errorBox(err, 'The calibration label could not be loaded.'));
      });
    }
    settledSession(id, signal).then((latest) => {
      if (latest.phase === 'awaiting_review') {
        replace(reviewNote, notice(`Your supervisor reviews this attempt${latest.review_due_at ? ` (due ${formatDate(latest.review_due_at)})` : ''}: the result may still change.`, 'info'));
      }
    }).catch(() => {});
    revisions(id, signal).then((r) => {
      replace(history, r);
      history.setAttribute('aria-labelledby', 'rev-h');
    }).catch((err) => {
      if (err.name !== 'AbortError') replace(history, errorBox(err, 'The evaluation history could not be loaded.'));
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    if (err.type !== 'no_evaluation') { replace(body, errorBox(err, 'The evaluation could not be loaded.')); return; }
    const latest = await get(`/v1/sessions/${encodeURIComponent(id)}`, { signal }).catch(() => session);
    replace(body, h('div', { class: 'notice notice-info', role: 'status' },
      h('h2', {}, 'No evaluation for this session'),
      h('p', {}, END_REASON_TEXT[latest.end_reason] || err.message),
      h('p', { class: 'muted' }, `The server says: ${err.message}`),
      h('p', {}, h('a', { href: '#/library' }, 'Start a new practice'))));
  }
}
