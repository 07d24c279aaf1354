'use strict';
// The static report (--mockserver-report report.html): the resilience matrix (clients x
// faults, coloured by outcome) and the failing tests with their transcripts; their requests
// fill the same list and detail pane as the live page. Data: pytest_plugin/report_html.py.

function renderMatrix(matrix) {
  const wrap = document.getElementById('matrix');
  if (!matrix || !matrix.clients.length) {
    wrap.replaceChildren(el('p', { class: 'hint', text: 'No resilience matrix in this run (mockserver.resilience(...) was not called).' }));
    return;
  }
  const table = el('table', { class: 'matrix' });
  table.append(el('tr', {}, el('th', { text: 'fault' }), ...matrix.clients.map((client) => el('th', { text: client }))));
  for (const fault of matrix.faults) {
    const cells = matrix.clients.map((client) => {
      const cell = (matrix.cells[fault] || {})[client];
      if (!cell) return el('td', { class: 'missing', text: '-' });
      return el('td', { class: cell.kind, title: cell.detail || null, 'data-kind': cell.kind, text: cell.outcome });
    });
    table.append(el('tr', {}, el('th', {}, el('code', { text: fault })), ...cells));
  }
  wrap.replaceChildren(table);
}

function renderTests(tests, showLane) {
  const box = document.getElementById('tests');
  if (!tests.length) {
    box.replaceChildren(el('p', { class: 'hint', text: 'No failing test used the mockserver fixture.' }));
    return;
  }
  box.replaceChildren(...tests.map((test) => {
    const show = el('button', { type: 'button', text: `show its ${test.requests} request(s) below` });
    show.addEventListener('click', () => showLane(test.lane));
    return el('div', { class: 'test', 'data-nodeid': test.nodeid },
      el('div', { class: 'test-head' }, el('code', { text: `${test.nodeid} (${test.when})` }), ' ', show),
      el('details', {},
        el('summary', { text: 'failure and transcript' }),
        el('pre', { class: 'message', text: test.message }),
        el('pre', { class: 'transcript', text: test.transcript })));
  }));
}

function startReport(data, inspector) {
  document.body.classList.add('report');
  document.getElementById('report').hidden = false;
  document.getElementById('mode').textContent = 'report';
  document.getElementById('pause').hidden = true;
  document.getElementById('clear').hidden = true;
  const status = document.getElementById('status');
  status.textContent = `seed ${data.seed}`;
  document.getElementById('subtitle').textContent = `${data.created || ''} \u00b7 replay with --mockserver-seed ${data.seed}`;
  renderMatrix(data.matrix);
  renderTests(data.tests || [], (lane) => inspector.setFilter('lane', lane));
  for (const request of data.requests || []) inspector.add('end', request);
  inspector.flush();
}
