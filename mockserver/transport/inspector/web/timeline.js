'use strict';
// The detail pane: one response's summary and its wire timeline (an SVG over time or over
// op order), with the bytes of a write on click. Data shapes: inspector/timeline.py.

const SVG_NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function ms(value) {
  if (value === null || value === undefined) return '';
  return value >= 1000 ? (value / 1000).toFixed(2) + ' s' : value.toFixed(value < 10 ? 2 : 1) + ' ms';
}

function opTime(tl, op) { return tl.measured ? op.t : op.at; }

function opLabel(op) {
  if (op.op === 'start') return 'START ' + op.status;
  if (op.op === 'write') return (op.raw ? 'RAW ' : '') + 'WRITE ' + op.n + 'B';
  if (op.op === 'sleep') return 'SLEEP ' + ms(op.ms) + (op.since === 'write' ? ' after the previous write' : '');
  return 'CLOSE ' + op.mode + (op.seconds ? ' ' + op.seconds + 's' : '');
}

// x of every op (null: never played), for a drawing `width` wide with `pad` on each side.
function positions(tl, width, pad, scale) {
  const ops = tl.ops, span = width - 2 * pad;
  const end = Math.max(tl.end || 0, ...ops.map((op) => (opTime(tl, op) || 0) + (op.op === 'sleep' && !tl.measured ? op.ms : 0)));
  if (scale === 'order' || end <= 0) {
    const last = Math.max(ops.length - 1, 1);
    return { xs: ops.map((op, k) => (tl.measured && op.t === null ? null : pad + (k / last) * span)), order: true, end };
  }
  return { xs: ops.map((op) => { const t = opTime(tl, op); return t === null ? null : pad + (t / end) * span; }), order: false, end };
}

function drawTimeline(entry, tl, scale, onPick) {
  const width = Math.max(320, (document.getElementById('detail').clientWidth || 640) - 28);
  const height = 150, pad = 16, axis = 118;
  const root = svg('svg', { class: 'timeline', width, height, viewBox: `0 0 ${width} ${height}`, 'data-scale': scale });
  const { xs, order, end } = positions(tl, width, pad, scale);
  root.append(svg('line', { class: 'axis', x1: pad, x2: width - pad, y1: axis, y2: axis }));
  if (!order) {
    for (let k = 0; k <= 4; k++) {
      const x = pad + (k / 4) * (width - 2 * pad);
      root.append(svg('line', { class: 'axis', x1: x, x2: x, y1: axis, y2: axis + 4 }));
      root.append(svg('text', { x, y: axis + 16, 'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle' }, ms((k / 4) * end)));
    }
  } else {
    root.append(svg('text', { x: pad, y: axis + 16 }, 'op order (no time scale)'));
  }
  tl.ops.forEach((op, k) => {
    const x = xs[k];
    if (x === null) return;
    if (op.op === 'sleep') {
      let x2 = k + 1 < xs.length && xs[k + 1] !== null ? xs[k + 1] : x + 4;
      if (!order && !tl.measured) x2 = pad + ((op.at + op.ms) / (end || 1)) * (width - 2 * pad);
      const rect = svg('rect', { class: 'pause', x, y: axis - 20, width: Math.max(2, x2 - x), height: 20, 'data-i': op.i });
      rect.append(svg('title', {}, 'pause ' + ms(op.ms)));
      root.append(rect);
    } else if (op.op === 'start') {
      root.append(svg('path', { class: 'head-mark', d: `M${x - 5} ${axis} L${x} ${axis - 10} L${x + 5} ${axis} Z`, 'data-i': op.i }));
      root.append(svg('text', { x: x + 6, y: axis - 2 }, String(op.status)));
    } else if (op.op === 'write') {
      const h = Math.min(52, 10 + 5 * Math.log2(1 + op.n));
      const mark = svg('line', { class: 'mark', x1: x, x2: x, y1: axis - h, y2: axis, 'data-i': op.i });
      mark.append(svg('title', {}, `${opLabel(op)} at ${ms(opTime(tl, op))}`));
      mark.addEventListener('click', () => onPick(op.i));
      root.append(mark);
    } else if (op.op === 'close') {
      const cut = op.mode === 'reset' || op.mode === 'abrupt';
      const line = svg('line', { class: cut ? 'cut cut-' + op.mode : 'end', x1: x, x2: x, y1: 44, y2: axis + 6, 'data-i': op.i, 'data-mode': op.mode });
      line.append(svg('title', {}, opLabel(op) + ' at ' + ms(opTime(tl, op))));
      root.append(line);
      if (cut) root.append(svg('text', { class: 'cut-label', x: Math.min(x + 3, width - 40), y: 56, 'data-mode': op.mode }, op.mode === 'reset' ? 'RST' : 'cut'));
    }
  });
  let row = 0;
  for (const fault of tl.faults) {
    const k = tl.ops.findIndex((op) => op.i === fault.op);
    if (k < 0 || xs[k] === null) continue;
    const y = 14 + 13 * (row++ % 3);
    root.append(svg('line', { class: 'fault-pin', x1: xs[k], x2: xs[k], y1: y + 2, y2: axis }));
    const label = svg('text', { class: 'fault-label', x: Math.min(xs[k] + 3, width - 8), y, 'text-anchor': xs[k] > width * 0.6 ? 'end' : 'start', 'data-op': fault.op }, fault.spec);
    label.append(svg('title', {}, `${fault.spec}: acts ${fault.where}`));
    root.append(label);
  }
  return root;
}

function kv(label, value) {
  if (value === null || value === undefined || value === '') return null;
  return el('div', { class: 'kv' }, label + ': ', el('b', { text: String(value) }));
}

function opsTable(entry, tl, onPick) {
  const table = el('table', { class: 'ops' });
  const placed = new Map();
  for (const fault of tl.faults) if (fault.op !== null) placed.set(fault.op, [...(placed.get(fault.op) || []), fault.spec]);
  let previous = -1;
  for (const op of tl.ops) {
    if (op.i > previous + 1) table.append(el('tr', {}, el('td', { colspan: 4, class: 'hint', text: `... ${op.i - previous - 1} more ops ...` })));
    previous = op.i;
    const t = opTime(tl, op);
    const unplayed = tl.measured && op.t === null;
    const tr = el('tr', { class: op.op + (unplayed ? ' unplayed' : ''), 'data-i': op.i },
      el('td', { class: 't', text: unplayed ? 'not sent' : (tl.measured ? '' : '~') + ms(t) }),
      el('td', { text: opLabel(op) }),
      el('td', { text: op.op === 'write' ? op.bytes.slice(0, 70) + (op.bytes.length > 70 ? '...' : '') : '' }),
      el('td', {}, ...(placed.get(op.i) || []).map((spec) => el('span', { class: 'chip', text: spec }))));
    if (op.op === 'write') tr.addEventListener('click', () => onPick(op.i));
    table.append(tr);
  }
  if (tl.total === null) table.append(el('tr', {}, el('td', { colspan: 4, class: 'hint', text: '... a long stream: more ops than counted ...' })));
  return table;
}

function renderDetail(entry, scale) {
  const pane = document.getElementById('detail');
  if (!entry) { pane.replaceChildren(el('p', { class: 'hint', text: 'Select a request to see its wire timeline.' })); return; }
  const tl = entry.timeline;
  const faults = (entry.faults || []).join('; ');
  const parts = [
    el('h3', { text: `#${entry.id} ${entry.method} ${entry.path} \u2192 ${entry.status ?? 'no response head'}` }),
    kv('test', entry.test), kv('lane', entry.lane), kv('scenario', entry.scenario || 'default'),
    kv('faults', faults || 'none'),
    el('div', { class: 'kv' }, 'outcome: ', el('span', { class: 'outcome o-' + entry.outcome, id: 'detail-outcome', text: entry.outcome })),
    kv('bytes sent', entry.bytes_sent), kv('duration', entry.duration_ms != null ? ms(entry.duration_ms) : null),
    kv('error', entry.error), kv('received', entry.received),
  ];
  if (entry.evicted) parts.push(el('p', { class: 'hint', text: 'The journal no longer holds this request: no timeline.' }));
  if (!tl) {
    parts.push(el('p', { class: 'hint', text: entry.outcome === 'pending' ? 'Still playing...' : 'No wire timeline.' }));
    pane.replaceChildren(...parts.filter(Boolean));
    return;
  }
  if (!tl.ops.length) parts.push(el('p', { class: 'hint', text: entry.protocol === 'ws' ? 'A WebSocket connection: no HTTP wire timeline.' : 'Nothing was planned on the wire.' }));
  const bytes = el('pre', { id: 'bytes', class: 'hint', text: 'Click a write (a mark or a row) to see its bytes.' });
  const pick = (i) => {
    const op = tl.ops.find((o) => o.i === i);
    bytes.className = '';
    bytes.textContent = `${opLabel(op)} at ${ms(opTime(tl, op))}, events ${op.events}\n${op.bytes}`;
    pane.querySelectorAll('.on').forEach((node) => node.classList.remove('on'));
    pane.querySelectorAll(`[data-i="${i}"]`).forEach((node) => node.classList.add('on'));
  };
  if (tl.ops.length) {
    const toggle = el('div', { class: 'scale' }, (tl.measured ? 'measured times' : 'planned times (nothing was watching while it played)') + ' \u00b7 scale: ');
    for (const name of ['time', 'order']) {
      const button = el('button', { type: 'button', 'data-scale': name, text: name === 'time' ? 'time' : 'op order', disabled: name === scale ? 'disabled' : null });
      button.addEventListener('click', () => { S.scale = name; renderDetail(entry, name); });
      toggle.append(button);
    }
    parts.push(toggle, drawTimeline(entry, tl, scale, pick));
    const whole = tl.faults.filter((f) => f.op === null).map((f) => f.spec);
    if (whole.length) parts.push(el('div', { class: 'kv' }, 'throughout the stream: ', ...whole.map((spec) => el('span', { class: 'chip', text: spec }))));
    parts.push(bytes, opsTable(entry, tl, pick));
  }
  pane.replaceChildren(...parts.filter(Boolean));
}

function miniTimeline(entry) {
  const root = svg('svg', { class: 'mini', width: 100, height: 14, viewBox: '0 0 100 14' });
  const tl = entry.timeline;
  if (!tl || !tl.ops.length) return root;
  const { xs } = positions(tl, 100, 2, 'time');
  tl.ops.forEach((op, k) => {
    if (xs[k] === null || (op.op !== 'write' && op.op !== 'close')) return;
    const cut = op.op === 'close' && (op.mode === 'reset' || op.mode === 'abrupt');
    root.append(svg('line', { class: op.op === 'write' ? 'w' : cut ? 'cut' : 'end', x1: xs[k], x2: xs[k], y1: op.op === 'write' ? 3 : 0, y2: op.op === 'write' ? 11 : 14 }));
  });
  return root;
}
