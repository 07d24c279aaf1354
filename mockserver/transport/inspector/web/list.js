'use strict';
// The request list: live from GET /_mock/events (EventSource, which resumes with
// Last-Event-ID by itself), filtered by lane, fault and outcome, paused and cleared on
// request. Only the rows in view are in the DOM (fixed row height), so thousands of requests
// stay readable; the oldest are dropped past MAX_ENTRIES.

const ROW = 26;
const MAX_ENTRIES = 5000;
const MAX_QUEUED = 20000;

const S = {
  entries: [], byKey: new Map(), filtered: [], selected: null, scale: null,
  filters: { lane: '', fault: '', outcome: '' }, paused: false, queue: [],
  options: { lane: new Set(), fault: new Set(), outcome: new Set() },
  events: 0, dirty: false, detailDirty: false, frame: 0,
};

function clock(seconds) {
  if (!seconds) return '';
  const d = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function offer(kind, value) {
  if (value === null || value === undefined || value === '' || S.options[kind].has(value)) return;
  S.options[kind].add(value);
  const select = document.getElementById('f-' + kind);
  if (![...select.options].some((option) => option.value === value)) select.append(el('option', { value, text: value }));
}

function add(kind, data) {
  S.events += 1;
  const key = data.key || String(data.id);
  let entry = S.byKey.get(key);
  if (!entry) {
    entry = { key, outcome: 'pending', timeline: null };
    S.entries.push(entry);
    S.byKey.set(key, entry);
    if (S.entries.length > MAX_ENTRIES) S.byKey.delete(S.entries.shift().key);
  }
  Object.assign(entry, data);
  entry.faultNames = (entry.faults || []).map((spec) => spec.split('(')[0].trim());
  offer('lane', entry.lane);
  entry.faultNames.forEach((name) => offer('fault', name));
  offer('outcome', entry.outcome);
  S.dirty = true;
  if (key === S.selected) S.detailDirty = true;
}

function receive(kind, data) {
  if (S.paused) {
    if (S.queue.length < MAX_QUEUED) S.queue.push([kind, data]);
    document.getElementById('pause').textContent = `Resume (${S.queue.length} new)`;
    return;
  }
  apply(kind, data);
  schedule();
}

function apply(kind, data) {
  if (kind === 'reset') {
    clearAll();
    const missed = data.missed === null ? 'some' : data.missed;
    notice(`The event stream restarted (${data.reason}): ${missed} event(s) missed; showing what the server still holds.`);
  } else {
    add(kind, data);
  }
}

function notice(text) {
  const box = document.getElementById('notice');
  box.textContent = text;
  box.hidden = !text;
}

function clearAll() {
  S.entries = [];
  S.byKey.clear();
  S.selected = null;
  S.dirty = S.detailDirty = true;
}

function passes(entry) {
  const f = S.filters;
  if (f.lane && entry.lane !== f.lane) return false;
  if (f.fault === '-' ? entry.faultNames.length : f.fault && !entry.faultNames.includes(f.fault)) return false;
  return !(f.outcome && entry.outcome !== f.outcome);
}

function schedule() {
  if (!S.frame) S.frame = requestAnimationFrame(flush);
}

function flush() {
  S.frame = 0;
  if (S.dirty) {
    S.filtered = S.entries.filter(passes);
    S.dirty = false;
    paint();
  }
  if (S.detailDirty) {
    S.detailDirty = false;
    const entry = S.byKey.get(S.selected);
    renderDetail(entry, S.scale || (entry && entry.timeline && entry.timeline.end > 0 ? 'time' : 'order'));
  }
  document.body.dataset.events = S.events;
}

function paint() {
  const list = document.getElementById('list'), spacer = document.getElementById('spacer');
  const n = S.filtered.length;
  spacer.style.height = n * ROW + 'px';
  const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
  const last = Math.min(n, Math.ceil((list.scrollTop + (list.clientHeight || 600)) / ROW) + 5);
  const rows = [];
  for (let k = first; k < last; k++) rows.push(row(S.filtered[n - 1 - k], k)); // newest first
  spacer.replaceChildren(...rows);
  const paused = S.paused ? ' (paused)' : '';
  document.getElementById('count').textContent = `${n} of ${S.entries.length} requests${paused}`;
  document.body.dataset.shown = n;
}

function row(entry, k) {
  const node = el('div', {
    class: 'row' + (entry.key === S.selected ? ' sel' : ''), 'data-key': entry.key, 'data-id': entry.id,
    'data-lane': entry.lane, 'data-outcome': entry.outcome, 'data-faults': (entry.faults || []).join('; '),
  },
  el('span', { text: '#' + entry.id }), el('span', { text: clock(entry.started) }),
  el('span', { class: 'lane', text: entry.lane, title: entry.test || entry.lane }),
  el('span', { class: 'request', text: `${entry.method} ${entry.path}`, title: `${entry.method} ${entry.path}` }),
  el('span', { class: 'faults', title: [entry.scenario, ...(entry.faults || [])].filter(Boolean).join('; ') || null },
    entry.scenario ? entry.scenario + ' ' : '', ...(entry.faults || []).map((spec) => el('span', { class: 'chip', text: spec }))),
  el('span', { class: 'code', text: entry.status ?? '' }),
  el('span', {}, el('span', { class: 'outcome o-' + entry.outcome, text: entry.outcome })),
  el('span', {}, miniTimeline(entry)));
  node.style.top = k * ROW + 'px';
  return node;
}

function select(key) {
  S.selected = key;
  S.scale = null;
  S.dirty = S.detailDirty = true;
  schedule();
}

function setFilter(kind, value) {
  S.filters[kind] = value;
  const select = document.getElementById('f-' + kind);
  offer(kind, value);
  select.value = value;
  document.getElementById('list').scrollTop = 0;
  S.dirty = true;
  schedule();
}

function eventsUrl() {
  const params = new URLSearchParams(location.search), query = new URLSearchParams();
  for (const name of ['token', 'lane']) if (params.get(name)) query.set(name, params.get(name));
  const path = location.pathname.replace(/\/ui\/?$/, '/events');
  return path + (query.toString() ? '?' + query : '');
}

function connect() {
  const status = document.getElementById('status');
  const source = new EventSource(eventsUrl());
  source.onopen = () => { status.textContent = 'live'; status.className = 'status live'; };
  source.onerror = () => {
    const closed = source.readyState === EventSource.CLOSED;
    status.textContent = closed ? 'disconnected (reload; off loopback add ?token=...)' : 'reconnecting';
    status.className = 'status down';
  };
  for (const kind of ['start', 'end', 'reset']) {
    source.addEventListener(kind, (message) => receive(kind, JSON.parse(message.data)));
  }
}

function boot() {
  const data = JSON.parse(document.getElementById('inspector-data').textContent);
  for (const kind of ['lane', 'fault', 'outcome']) {
    document.getElementById('f-' + kind).addEventListener('change', (event) => setFilter(kind, event.target.value));
  }
  document.getElementById('list').addEventListener('scroll', paint);
  document.getElementById('list').addEventListener('click', (event) => {
    const node = event.target.closest('.row');
    if (node) select(node.dataset.key);
  });
  document.getElementById('pause').addEventListener('click', (event) => {
    S.paused = !S.paused;
    event.target.textContent = S.paused ? 'Resume (0 new)' : 'Pause';
    if (!S.paused) { S.queue.splice(0).forEach(([kind, item]) => apply(kind, item)); }
    S.dirty = true;
    schedule();
  });
  document.getElementById('clear').addEventListener('click', () => { clearAll(); notice(''); schedule(); });
  window.addEventListener('resize', () => { S.detailDirty = true; schedule(); });
  const inspector = { add, setFilter, flush: () => { S.dirty = S.detailDirty = true; flush(); } };
  if (data.mode === 'report') startReport(data, inspector);
  else connect();
  flush();
  document.body.dataset.ready = '1';
}

boot();
