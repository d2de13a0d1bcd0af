// Scenario authoring for supervisors and admins: the organisation's scenarios (drafts, published,
// archived, each with its version), and the editor that writes a scenario's document (format 2,
// core/scenarios/schema.py) in plain language: no YAML, no patterns. The server validates; its
// 422 problems name a field path, shown next to the field that has it.
import { api, get, newIdempotencyKey } from '../api.js';
import { announce, badge, errorBox, formatDate, h, notFound, notice, pageHeader, replace } from '../dom.js';
import { navigate } from '../router.js';

const STATUS_KIND = { draft: 'neutral', published: 'good', archived: 'warn' };
const DIFFICULTIES = ['beginner', 'intermediate', 'advanced'];
const FACT_KINDS = [
  ['context', 'Context'], ['feeling', 'Feeling'], ['history', 'History'], ['risk', 'Risk (suicidal thoughts)'],
  ['means', 'Means (access to a way to harm)'], ['protective', 'Protective factor'], ['support', 'Support'],
];
const TRUST = [['0', 'Closed'], ['1', 'Guarded'], ['2', 'Fairly open'], ['3', 'Open']];
const RISK = [['none', 'None'], ['suicide', 'Suicide risk (turns on the crisis-safety checks)']];

const enc = encodeURIComponent;
// a library red flag's id in words ("question_stacking" → "Question stacking")
const flagName = (id) => id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ');
const lines = (text) => String(text || '').split('\n').map((l) => l.trim()).filter(Boolean);
const joined = (list) => (list || []).join('\n');

// An id the schema accepts (^[a-z][a-z0-9_]*$), from the words the author wrote, unique in `taken`.
function idFrom(words, fallback, taken) {
  let base = String(words || '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '').slice(0, 40);
  if (!base) base = fallback;
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function slugFrom(title) {
  const base = String(title || '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scenario';
  return `${base.length < 3 ? `${base}-scenario` : base}-${crypto.randomUUID().slice(0, 6)}`;
}

// The problems of a 422: the API's structured list when it sends one, else its message
// ("field 'persona.facts.0.says': …; rubric.pass_mark: …").
export function problemsOf(err) {
  const listed = err.detail && (err.detail.problems || err.detail.fields);
  if (Array.isArray(listed)) return listed.map((p) => ({ path: String(p.path || p.field || ''), message: String(p.message || p.msg || '') }));
  return String(err.message || '').split(/;\s+/).map((part) => {
    const m = /^(?:field\s+)?'?([A-Za-z_][\w.]*)'?:\s*(.*)$/.exec(part.trim());
    return m ? { path: m[1], message: m[2] } : { path: '', message: part.trim() };
  }).filter((p) => p.message);
}

// ---- the list --------------------------------------------------------------------------------

export async function scenariosView({ main, signal }) {
  const items = await get('/v1/scenarios?include=all', { signal });
  const status = h('div');
  const copy = (s) => async (event) => {
    event.currentTarget.disabled = true;
    try {
      const detail = await get(`/v1/scenarios/${enc(s.id)}`, { signal });
      const doc = { ...docOf(detail), slug: slugFrom(s.title), title: `${s.title} (copy)` };
      const created = (await api('POST', '/v1/scenarios', { body: doc, headers: { 'Idempotency-Key': newIdempotencyKey() } })).data;
      announce(`Copied ${s.title}.`);
      navigate(`#/scenarios/${enc(created.id)}`);
    } catch (err) {
      event.currentTarget.disabled = false;
      replace(status, errorBox(err, `${s.title} could not be copied.`));
    }
  };
  const rows = items.map((s) => h('tr', {},
    h('td', {}, s.builtin ? s.title : h('a', { href: `#/scenarios/${enc(s.id)}` }, s.title || `Untitled (${s.slug})`),
      s.builtin ? h('span', { class: 'muted small' }, ' (built-in)') : null),
    h('td', {}, badge(s.status || 'published', STATUS_KIND[s.status || 'published'])),
    h('td', { class: 'num' }, s.version),
    h('td', {}, s.difficulty),
    h('td', {}, formatDate(s.updated_at || s.created_at)),
    h('td', {}, h('a', { href: `#/scenarios/${enc(s.id)}/calibration` }, 'Calibration', h('span', { class: 'visually-hidden' }, ` of ${s.title}`))),
    h('td', {}, h('button', { type: 'button', onclick: copy(s) }, 'Copy', h('span', { class: 'visually-hidden' }, ` ${s.title}`)))));
  replace(main,
    pageHeader('Scenarios', h('p', {}, h('a', { class: 'button primary', href: '#/scenarios/new' }, 'New scenario'))),
    h('p', { class: 'muted' }, 'Write your organisation’s scenarios: the client, the briefing and the rubric. A draft can be saved incomplete; publishing checks it is ready. Editing a published scenario makes a new version; earlier attempts keep theirs.'),
    status,
    items.length === 0 ? h('p', { class: 'muted' }, 'No scenarios yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Scenarios'),
      h('thead', {}, h('tr', {}, ['Title', 'Status', 'Version', 'Difficulty', 'Changed', 'Calibration', 'Copy'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows))));
}

// ---- the editor ------------------------------------------------------------------------------

function docOf(detail) {
  const doc = detail.doc || detail.document || detail.definition;
  if (!doc) throw new Error('The server sent the scenario without its document.');
  return doc;
}

let fieldCount = 0;

// A labelled input, textarea or select bound to a field path (data-path): a problem the server
// names for that path is shown under it and tied to it (aria-describedby, aria-invalid).
function field(label, path, value, { kind = 'input', type = 'text', options, help, rows } = {}) {
  const id = `f-${(fieldCount += 1)}`;
  const errId = `${id}-err`;
  const helpId = help ? `${id}-help` : null;
  const common = { id, 'data-path': path, name: path, 'aria-describedby': helpId };
  let control;
  if (kind === 'textarea') control = h('textarea', { ...common, rows: rows || 3 });
  else if (kind === 'select') control = h('select', common, options.map(([v, t]) => h('option', { value: v }, t)));
  else if (type === 'checkbox') control = h('input', { ...common, type: 'checkbox' });
  else control = h('input', { ...common, type, ...(type === 'number' ? { step: 'any' } : {}) });
  if (type === 'checkbox') control.checked = Boolean(value);
  else control.value = value === undefined || value === null ? '' : String(value);
  const error = h('p', { id: errId, class: 'field-error', 'data-error-for': path, hidden: true });
  if (type === 'checkbox') return h('div', { class: 'stack' }, h('div', { class: 'check' }, control, h('label', { for: id }, label)), error);
  return h('div', { class: 'stack field' }, h('label', { for: id }, label),
    help ? h('p', { id: helpId, class: 'muted small' }, help) : null, control, error);
}

function value(root, path) {
  const el = root.querySelector(`[data-path="${CSS.escape(path)}"]`);
  if (!el) return undefined;
  return el.type === 'checkbox' ? el.checked : el.value;
}

// A list of fieldsets ("Fact 1", "Criterion 2", …) with add and remove buttons. The fields of
// entry i carry `${base}.${i}.` in their paths; a removal renumbers the entries after it.
function repeater({ title, noun, base, items, render }) {
  const list = h('ol', { class: 'repeat' });
  const entries = [];
  const prefix = new RegExp(`^${base.replace(/\./g, '\\.')}\\.\\d+\\.`);
  const relabel = () => entries.forEach((e, i) => {
    e.legend.textContent = `${noun} ${i + 1}`;
    e.remove.lastChild.textContent = ` ${noun.toLowerCase()} ${i + 1}`;
    for (const attr of ['data-path', 'data-error-for', 'name']) {
      e.li.querySelectorAll(`[${attr}]`).forEach((el) => el.setAttribute(attr, el.getAttribute(attr).replace(prefix, `${base}.${i}.`)));
    }
  });
  const add = (item) => {
    const legend = h('legend', {});
    const remove = h('button', { type: 'button', class: 'link' }, 'Remove', h('span', { class: 'visually-hidden' }, ''));
    const entry = { item, legend, remove, li: null };
    entry.li = h('li', {}, h('fieldset', { class: 'card stack' }, legend, h('div', { class: 'stack' }, render(item, entries.length)), remove));
    remove.addEventListener('click', () => { entries.splice(entries.indexOf(entry), 1); entry.li.remove(); relabel(); });
    entries.push(entry);
    list.append(entry.li);
    relabel();
    return entry;
  };
  (items || []).forEach(add);
  const id = `${base.replace(/\./g, '-')}-h`;
  const section = h('section', { class: 'stack', 'aria-labelledby': id },
    h('h3', { id }, title), list,
    h('button', { type: 'button', onclick: () => add({}).li.querySelector('input, textarea')?.focus() }, `Add ${noun.toLowerCase()}`));
  return { section, entries, collect: (read) => entries.map((e, i) => read(e, i)) };
}

function factFields(f, i) {
  const p = `persona.facts.${i}`;
  return [
    field('Topic that unlocks it', `${p}.topic`, f.topic, { help: 'What the trainee has to reach, in words, e.g. “how she has been sleeping”.' }),
    field('What the client says', `${p}.says`, joined(f.says), { kind: 'textarea', help: 'One wording a line; the client uses each once.' }),
    field('Turns that reach it', `${p}.asks`, joined(f.asks), { kind: 'textarea', help: 'Example things a trainee might say, one a line.' }),
    field('Answer to a closed question', `${p}.guarded`, f.guarded),
    field('Kind of fact', `${p}.kind`, f.kind || 'context', { kind: 'select', options: FACT_KINDS }),
    field('Means (for a means fact)', `${p}.means`, f.means),
    field('Needs trust first', `${p}.needs_trust`, f.needs_trust, { type: 'checkbox' }),
  ];
}

function criterionFields(c, i) {
  const p = `rubric.criteria.${i}`;
  const aspect = (c.aspects && c.aspects[0]) || {};
  const ex = aspect.examples || {};
  const fb = c.feedback || {};
  return [
    field('Title', `${p}.title`, c.title),
    field('Description', `${p}.description`, c.description, { kind: 'textarea', help: 'The behaviour, in plain language.' }),
    field('What counts as evidence', `${p}.evidence`, c.evidence, { kind: 'textarea' }),
    field('Examples that meet it', `${p}.aspects.0.examples.meets`, joined(ex.meets), { kind: 'textarea', help: 'Things a trainee might say that show it, one a line (two or more).' }),
    field('Examples that do not meet it', `${p}.aspects.0.examples.misses`, joined(ex.misses), { kind: 'textarea', help: 'Near misses: similar words, a different act. One a line.' }),
    field('Weight', `${p}.weight`, c.weight ?? 10, { type: 'number' }),
    field('Feedback when met', `${p}.feedback.met`, fb.met),
    field('Feedback when partly met', `${p}.feedback.partly`, fb.partly),
    field('Feedback when not met', `${p}.feedback.not_met`, fb.not_met),
  ];
}

function customFlagFields(f, i) {
  const p = `rubric.custom_red_flags.${i}`;
  const ex = f.examples || {};
  return [
    field('Title', `${p}.title`, f.title),
    field('Why it harms', `${p}.why`, f.why, { kind: 'textarea' }),
    field('What to say instead', `${p}.better`, f.better),
    field('Examples of it', `${p}.examples.meets`, joined(ex.meets), { kind: 'textarea', help: 'Things a trainee might say that are this red flag, one a line (two or more).' }),
    field('Near misses', `${p}.examples.misses`, joined(ex.misses), { kind: 'textarea', help: 'Similar words that are not it, one a line.' }),
    field('Critical (fails the attempt)', `${p}.critical`, f.critical, { type: 'checkbox' }),
  ];
}

export async function scenarioEditorView({ main, params, signal }) {
  const isNew = !params.id;
  let detail = null;
  if (!isNew) {
    try {
      detail = await get(`/v1/scenarios/${enc(params.id)}`, { signal });
    } catch (err) {
      if (err.status === 404 || err.status === 422) { replace(main, notFound('scenario')); return; }
      throw err;
    }
  }
  const library = await get('/v1/red-flags', { signal }).catch((err) => err);
  const doc = detail ? docOf(detail) : {};
  const persona = doc.persona || {};
  const state = persona.state || {};
  const ending = persona.ending || {};
  const rubric = doc.rubric || {};
  const chosen = new Set(rubric.red_flags || []);

  const facts = repeater({ title: 'Facts the client can tell', noun: 'Fact', base: 'persona.facts', items: (persona.facts || []).map((f) => ({ ...f })), render: factFields });
  const criteria = repeater({ title: 'Criteria', noun: 'Criterion', base: 'rubric.criteria', items: (rubric.criteria || []).map((c) => ({ ...c })), render: criterionFields });
  const flags = repeater({ title: 'Custom red flags', noun: 'Red flag', base: 'rubric.custom_red_flags', items: (rubric.custom_red_flags || []).map((f) => ({ ...f })), render: customFlagFields });

  const flagPicker = library instanceof Error
    ? errorBox(library, 'The red flag library could not be loaded.')
    : h('fieldset', { class: 'stack', 'data-path': 'rubric.red_flags' }, h('legend', {}, 'Red flags from the library'),
      library.ids.map((id, i) => h('div', { class: 'check' },
        h('input', { type: 'checkbox', id: `rf-${i}`, name: 'red_flag', value: id, checked: chosen.has(id) }),
        h('label', { for: `rf-${i}` }, flagName(id)))),
      h('p', { class: 'field-error', 'data-error-for': 'rubric.red_flags', hidden: true }));

  const form = h('form', { class: 'stack editor', novalidate: true },
    h('section', { class: 'card stack', 'aria-labelledby': 'ed-about-h' }, h('h2', { id: 'ed-about-h' }, 'About'),
      field('Title', 'title', doc.title),
      field('Summary', 'summary', doc.summary, { kind: 'textarea', rows: 2, help: 'One or two sentences for the library.' }),
      field('Difficulty', 'difficulty', doc.difficulty || 'intermediate', { kind: 'select', options: DIFFICULTIES.map((d) => [d, d]) }),
      field('Briefing for the trainee', 'briefing', doc.briefing, { kind: 'textarea', rows: 5 }),
      field('Risk profile', 'risk_profile', doc.risk_profile || 'none', { kind: 'select', options: RISK })),
    h('section', { class: 'card stack', 'aria-labelledby': 'ed-persona-h' }, h('h2', { id: 'ed-persona-h' }, 'The client'),
      field('Name', 'persona.name', persona.name),
      field('Who they are', 'persona.identity', persona.identity, { kind: 'textarea', rows: 4 }),
      field('How they speak', 'persona.style', persona.style),
      field('Opening line', 'persona.opening_line', persona.opening_line),
      facts.section,
      h('h3', {}, 'Emotional state'),
      field('Trust at the start', 'persona.state.start', String(state.start ?? 1), { kind: 'select', options: TRUST }),
      field('Lines when feeling understood', 'persona.state.warm', joined(state.warm), { kind: 'textarea', help: 'One a line.' }),
      field('Lines when withdrawing', 'persona.state.withdrawn', joined(state.withdrawn), { kind: 'textarea', help: 'After a lecture or judgement. One a line.' }),
      field('Resistance', 'persona.resistance', persona.resistance, { kind: 'textarea', help: 'How they resist, in words.' }),
      h('h3', {}, 'Ending'),
      field('Closing line', 'persona.ending.closing_line', ending.closing_line),
      field('Line when the trainee ends early', 'persona.ending.cut_short_line', ending.cut_short_line)),
    h('section', { class: 'card stack', 'aria-labelledby': 'ed-rubric-h' }, h('h2', { id: 'ed-rubric-h' }, 'Rubric'),
      field('Pass mark', 'rubric.pass_mark', rubric.pass_mark ?? 65, { type: 'number', help: 'The overall score (0–100) that passes.' }),
      criteria.section, flagPicker, flags.section));

  const status = h('div', { class: 'stack' });
  const summary = h('div');
  let slug = doc.slug || null; // made once, from the title, on the first save of a new scenario

  const collect = () => {
    const factIds = new Set(facts.entries.map((e) => e.item.id).filter(Boolean));
    const factsOut = facts.collect((e, i) => {
      const p = `persona.facts.${i}`;
      const out = { ...e.item, topic: value(form, `${p}.topic`), says: lines(value(form, `${p}.says`)), asks: lines(value(form, `${p}.asks`)),
        guarded: value(form, `${p}.guarded`), kind: value(form, `${p}.kind`), means: value(form, `${p}.means`), needs_trust: value(form, `${p}.needs_trust`) };
      if (!out.id) out.id = idFrom(out.topic, 'fact', factIds);
      return out;
    });
    const critIds = new Set(criteria.entries.map((e) => e.item.id).filter(Boolean));
    const criteriaOut = criteria.collect((e, i) => {
      const p = `rubric.criteria.${i}`;
      const aspects = [...(e.item.aspects || [])];
      const title = value(form, `${p}.title`);
      aspects[0] = { ...(aspects[0] || { name: title || 'behaviour' }),
        examples: { meets: lines(value(form, `${p}.aspects.0.examples.meets`)), misses: lines(value(form, `${p}.aspects.0.examples.misses`)) } };
      const weight = Number(value(form, `${p}.weight`));
      const out = { ...e.item, title, description: value(form, `${p}.description`), evidence: value(form, `${p}.evidence`), aspects,
        weight: Number.isFinite(weight) && value(form, `${p}.weight`) !== '' ? weight : 10,
        feedback: { met: value(form, `${p}.feedback.met`), partly: value(form, `${p}.feedback.partly`), not_met: value(form, `${p}.feedback.not_met`) } };
      if (!out.id) out.id = idFrom(title, 'criterion', critIds);
      return out;
    });
    const flagIds = new Set(flags.entries.map((e) => e.item.id).filter(Boolean));
    const flagsOut = flags.collect((e, i) => {
      const p = `rubric.custom_red_flags.${i}`;
      const out = { ...e.item, title: value(form, `${p}.title`), why: value(form, `${p}.why`), better: value(form, `${p}.better`), critical: value(form, `${p}.critical`),
        examples: { meets: lines(value(form, `${p}.examples.meets`)), misses: lines(value(form, `${p}.examples.misses`)) } };
      if (!out.id) out.id = idFrom(out.title, 'red_flag', flagIds);
      return out;
    });
    const passMark = Number(value(form, 'rubric.pass_mark'));
    return {
      ...doc,
      slug: (slug = slug || slugFrom(value(form, 'title'))),
      title: value(form, 'title'), summary: value(form, 'summary'), difficulty: value(form, 'difficulty'),
      briefing: value(form, 'briefing'), risk_profile: value(form, 'risk_profile'),
      persona: { ...persona, name: value(form, 'persona.name'), identity: value(form, 'persona.identity'), style: value(form, 'persona.style'),
        opening_line: value(form, 'persona.opening_line'), resistance: value(form, 'persona.resistance'), facts: factsOut,
        state: { ...state, start: Number(value(form, 'persona.state.start')), warm: lines(value(form, 'persona.state.warm')), withdrawn: lines(value(form, 'persona.state.withdrawn')) },
        ending: { ...ending, closing_line: value(form, 'persona.ending.closing_line'), cut_short_line: value(form, 'persona.ending.cut_short_line') } },
      rubric: { ...rubric, pass_mark: value(form, 'rubric.pass_mark') === '' ? 65 : passMark, criteria: criteriaOut,
        red_flags: [...form.querySelectorAll('input[name="red_flag"]:checked')].map((el) => el.value), custom_red_flags: flagsOut },
    };
  };

  const clearProblems = () => {
    form.querySelectorAll('.field-error').forEach((el) => { el.hidden = true; el.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((el) => {
      el.removeAttribute('aria-invalid');
      el.setAttribute('aria-describedby', (el.getAttribute('aria-describedby') || '').split(' ').filter((t) => !t.endsWith('-err')).join(' '));
    });
    replace(summary);
  };

  // Each problem goes under the field with the longest path that starts its path; the rest
  // (e.g. "rubric: the rubric has no criteria") are listed above the buttons.
  const showProblems = (problems, intro) => {
    clearProblems();
    const paths = [...form.querySelectorAll('[data-error-for]')].map((el) => el.dataset.errorFor);
    const loose = [];
    let first = null;
    for (const p of problems) {
      const target = paths.filter((path) => p.path === path || p.path.startsWith(`${path}.`)).sort((a, b) => b.length - a.length)[0];
      if (!target) { loose.push(p); continue; }
      const error = form.querySelector(`[data-error-for="${CSS.escape(target)}"]`);
      error.hidden = false;
      error.textContent = error.textContent ? `${error.textContent} ${p.message}` : p.message;
      const control = form.querySelector(`[data-path="${CSS.escape(target)}"]:not(fieldset)`) || form.querySelector(`[data-path="${CSS.escape(target)}"] input`);
      if (control && error.id) {
        control.setAttribute('aria-invalid', 'true');
        const described = new Set((control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
        described.add(error.id);
        control.setAttribute('aria-describedby', [...described].join(' '));
      }
      first = first || control;
    }
    replace(summary, h('div', { class: 'notice notice-error', role: 'alert' },
      h('strong', {}, intro), ` ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix${loose.length ? ':' : ', shown next to the fields.'}`,
      loose.length ? h('ul', {}, loose.map((p) => h('li', {}, p.path ? `${p.path}: ${p.message}` : p.message))) : null));
    if (first) first.focus();
  };

  const failed = (err, intro) => {
    if (err.status === 422) showProblems(problemsOf(err), intro);
    else replace(summary, errorBox(err, intro));
  };

  let current = detail;
  // One Idempotency-Key per click: a request retried after 429/503 cannot create a second draft.
  const save = async () => {
    const body = collect();
    const res = current
      ? await api('PUT', `/v1/scenarios/${enc(current.id)}`, { body })
      : await api('POST', '/v1/scenarios', { body, headers: { 'Idempotency-Key': newIdempotencyKey() } });
    current = res.data; // a failed publish after this leaves a draft to edit, never a second one
    renderMeta();
    return res.data;
  };
  // The page is read again from the server after each change: what it shows is what is stored
  // (status, version, the buttons that apply), with the outcome above the buttons.
  const after = (saved, text) => {
    announce(text);
    navigate(`#/scenarios/${enc(saved.id)}?saved=${enc(text)}`);
  };
  const busy = (fn) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try { await fn(); } finally { button.disabled = false; }
  };

  const saveDraft = busy(async () => {
    replace(status); clearProblems();
    try {
      const saved = await save();
      after(saved, saved.status === 'published' ? `Saved as version ${saved.version}.` : `Draft saved (version ${saved.version}).`);
    } catch (err) { failed(err, 'Not saved.'); }
  });
  const publish = busy(async () => {
    replace(status); clearProblems();
    try {
      const saved = await save();
      const published = (await api('POST', `/v1/scenarios/${enc(saved.id)}/publish`)).data;
      after({ ...saved, ...published }, `Published version ${published.version}.`);
    } catch (err) { failed(err, 'Not published.'); }
  });
  const archive = busy(async () => {
    replace(status); clearProblems();
    try {
      const archived = (await api('POST', `/v1/scenarios/${enc(current.id)}/archive`)).data;
      after({ ...current, ...archived }, 'Archived: trainees no longer see it; past attempts keep theirs.');
    } catch (err) { failed(err, 'Not archived.'); }
  });

  const meta = h('p', { class: 'muted' });
  const renderMeta = () => replace(meta, current
    ? [badge(current.status || 'draft', STATUS_KIND[current.status] || 'neutral'), ` Version ${current.version}`, current.updated_at ? ` · changed ${formatDate(current.updated_at)}` : '']
    : 'New scenario, not saved yet.');
  renderMeta();

  const savedText = new URLSearchParams(location.hash.split('?')[1] || '').get('saved');
  if (savedText) replace(status, notice(savedText, 'success'));

  form.append(summary, status, h('div', { class: 'actions' },
    h('button', { type: 'button', onclick: saveDraft }, current?.status === 'published' ? 'Save new version' : 'Save draft'),
    h('button', { type: 'button', class: 'primary', onclick: publish }, 'Publish'),
    current && current.status !== 'archived' ? h('button', { type: 'button', onclick: archive }, 'Archive') : null));
  form.addEventListener('submit', (event) => event.preventDefault());

  replace(main,
    pageHeader(isNew ? 'New scenario' : `Edit: ${doc.title || 'untitled scenario'}`, meta,
      h('p', {}, h('a', { href: '#/scenarios' }, 'All scenarios'),
        current ? [' · ', h('a', { href: `#/scenarios/${enc(current.id)}/calibration` }, 'Calibration')] : null)),
    form);
}
