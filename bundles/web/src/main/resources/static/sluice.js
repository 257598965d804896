// Sluice's page: the REST API under /sluice/api/ (docs/api.md), same origin, same login.
'use strict';

let session = { admin: false, csrf: null };

async function asJson(r) {
  if (r.status === 401) {
    window.location.href = '/sluice/login';
    throw new Error('logged out');
  }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// The page's calls: same origin, the session cookie; the marker header keeps a 401 from opening the
// browser's Basic dialog. POSTs carry the session's CSRF token.
const api = (path) => fetch('/sluice/api/' + path, {credentials: 'same-origin', headers: {'X-Sluice-Page': '1'}})
  .then(asJson);
const post = (path) => fetch('/sluice/api/' + path, {method: 'POST', credentials: 'same-origin',
  headers: {'X-Sluice-Page': '1', 'X-Sluice-CSRF': session.csrf || ''}}).then(asJson);

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(tableId, items, render) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  for (const item of items) render(body.insertRow(), item);
}

// Event rates over the last hour: sampled by the server (GET rates), then one point per status push.
const HOUR = 3600;
const rates = { t: [], received: [], shipped: [] };
let chart = null;

function addRate(p) {
  const t = Date.parse(p.time) / 1000;
  if (rates.t.length && t <= rates.t[rates.t.length - 1]) return;
  rates.t.push(t); rates.received.push(p.received); rates.shipped.push(p.shipped);
  while (rates.t.length && rates.t[0] < t - HOUR) {
    rates.t.shift(); rates.received.shift(); rates.shipped.shift();
  }
}

function drawRates() {
  const data = [rates.t, rates.received, rates.shipped];
  if (!chart) {
    const el = document.getElementById('rates');
    chart = new uPlot({
      width: Math.max(300, el.clientWidth || 800), height: 200,
      series: [{}, { label: 'received/s', stroke: '#1d3557', width: 2 }, { label: 'shipped/s', stroke: '#2a9d8f', width: 2 }],
      axes: [{}, { label: 'events/s' }],
    }, data, el);
  } else {
    chart.setData(data);
  }
}

// for the browser test: how many points the chart holds
window.chartPoints = () => rates.t.length;

function actionButton(td, label, run) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.action = label.toLowerCase();
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await run();
      document.getElementById('action-status').textContent = label + ': done';
    } catch (e) {
      document.getElementById('action-status').textContent = label + ' failed: ' + e.message;
    } finally {
      b.disabled = false;
    }
  });
  td.append(b);
}

function render(s) {
  fill('components', s.status.components, (row, c) => {
    row.className = 'state-' + c.state;
    row.dataset.name = c.name;
    cell(row, c.name); cell(row, c.kind); cell(row, c.state);
    for (const k of ['received', 'acked', 'failed', 'queued']) cell(row, c.counters[k], 'num');
    cell(row, c.detail);
    const td = cell(row, '');
    if (session.admin) {
      const target = 'components/' + encodeURIComponent(c.name) + '/';
      if (c.actions.includes('stop')) {
        actionButton(td, c.state === 'stopped' ? 'Start' : 'Stop', () => post(target + (c.state === 'stopped' ? 'start' : 'stop')));
      }
      if (c.actions.includes('restart')) actionButton(td, 'Restart', () => post(target + 'restart'));
    }
  });
  fill('services', s.status.components.filter((c) => c.service), (row, c) => {
    row.className = 'state-' + c.state;
    cell(row, c.service); cell(row, c.name); cell(row, c.state); cell(row, c.detail);
  });
  fill('clients', s.clients, (row, c) => {
    row.dataset.listener = c.listener;
    cell(row, c.listener); cell(row, c.peer); cell(row, c.protocol); cell(row, c.since); cell(row, c.events, 'num');
  });
  fill('streams', s.streams, (row, st) => {
    cell(row, st.stream); cell(row, st.depth, 'num');
    cell(row, Object.entries(st.lag).map(([g, n]) => g + ': ' + n).join(', '));
  });
  fill('chains', s.chains, (row, c) => {
    cell(row, c.name); cell(row, c.problem || (c.last_error ? 'running; newest version refused: ' + c.last_error : 'running'));
    cell(row, c.calls.map((k) => k.filter + ' ' + k.calls + '/' + k.matched + '/' + k.failed).join(', '));
    const td = cell(row, '');
    if (session.admin) actionButton(td, 'Reload', () => post('chains/' + encodeURIComponent(c.name) + '/reload'));
  });
  document.getElementById('nodes-section').hidden = !s.nodes.length && !s.nodes_error;
  document.getElementById('nodes-error').textContent = s.nodes_error || '';
  fill('nodes', s.nodes, (row, n) => {
    cell(row, n.node); cell(row, n.updated);
    const comps = Object.entries(n.components);
    cell(row, comps.length, 'num');
    cell(row, comps.filter(([, c]) => c.state !== 'running').map(([name, c]) => name + ': ' + c.state).join(', ') || 'all running');
    const clients = comps.flatMap(([name, c]) => (c.clients || []).map((k) =>
      name + ' ' + k.peer + ' (' + k.protocol + ', since ' + k.since + ', ' + k.events + ' events)'));
    cell(row, clients.length ? clients.slice(0, 10).join(', ') + (clients.length > 10 ? ' and ' + (clients.length - 10) + ' more' : '') : 'none');
  });
  if (s.rate) { addRate(s.rate); drawRates(); }
  document.getElementById('updated').textContent = 'live, ' + new Date(s.status.time).toLocaleTimeString();
}

async function start() {
  session = await api('session');
  document.getElementById('user').textContent = session.user + (session.admin ? ' (admin)' : '');
  document.getElementById('logout').hidden = false;
  const history = await api('rates');
  for (const p of history.points) addRate(p);
  drawRates();
  const live = new EventSource('/sluice/api/status/stream');
  live.addEventListener('status', (m) => render(JSON.parse(m.data)));
  live.onerror = () => { document.getElementById('updated').textContent = 'reconnecting…'; };
}

function conditions(form) {
  const p = new URLSearchParams();
  for (const name of ['q', 'host', 'app', 'severity']) {
    const el = form.elements[name];
    if (el && el.value.trim()) p.set(name, el.value.trim());
  }
  return p;
}

function eventRow(row, e) {
  cell(row, e.time); cell(row, e.host); cell(row, e.app_name); cell(row, e.severity); cell(row, e.message);
}

let searchParams = null;
let histogram = null;

function showDetail(e) {
  return async () => {
    const d = await api('event?' + new URLSearchParams({time: e.time, id: e.id}));
    const pre = document.getElementById('detail');
    const sig = d.hmac ? 'Signature (key ' + d.hmac.key + '): ' + d.hmac.verification : 'Signature: none (unsigned event)';
    pre.textContent = sig + '\n\n' + JSON.stringify(d, null, 2);
    pre.hidden = false;
  };
}

async function searchPage(after) {
  const p = new URLSearchParams(searchParams);
  if (after) p.set('after', after);
  const page = await api('search?' + p);
  const body = document.querySelector('#results tbody');
  if (!after) body.replaceChildren();
  for (const e of page.events) {
    const row = body.insertRow();
    eventRow(row, e);
    row.addEventListener('click', showDetail(e));
  }
  const more = document.getElementById('more');
  more.hidden = !page.next;
  more.onclick = () => searchPage(page.next);
  return page;
}

async function drawHistogram() {
  const h = await api('search/histogram?' + new URLSearchParams({...Object.fromEntries(searchParams), buckets: 60}));
  const data = [h.buckets.map((b) => Date.parse(b.start) / 1000), h.buckets.map((b) => b.count)];
  const el = document.getElementById('histogram');
  if (histogram) histogram.destroy();
  histogram = new uPlot({
    width: Math.max(300, el.clientWidth || 800), height: 140,
    series: [{}, { label: 'matches', stroke: '#457b9d', fill: 'rgba(69,123,157,0.4)', paths: uPlot.paths.bars() }],
  }, data, el);
  return h.total;
}

document.getElementById('search').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const p = conditions(form);
  const minutes = Number(form.elements.minutes.value) || 60;
  const to = new Date();
  p.set('from', new Date(to.getTime() - minutes * 60000).toISOString());
  p.set('to', new Date(to.getTime() + 1000).toISOString());
  searchParams = p;
  const status = document.getElementById('search-status');
  status.textContent = 'searching…';
  try {
    const [page, total] = await Promise.all([searchPage(null), drawHistogram()]);
    status.textContent = total + ' event(s) match; the newest ' + page.events.length + ' in ' + page.took_ms + ' ms';
    document.getElementById('export-jsonl').href = 'api/search/export?' + new URLSearchParams({...Object.fromEntries(p), format: 'jsonl'});
    document.getElementById('export-csv').href = 'api/search/export?' + new URLSearchParams({...Object.fromEntries(p), format: 'csv'});
    document.getElementById('search-actions').hidden = false;
  } catch (e) {
    status.textContent = 'search failed: ' + e.message;
  }
});

let tail = null;
document.getElementById('tail').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (tail) tail.close();
  const body = document.querySelector('#tail-events tbody');
  body.replaceChildren();
  const status = document.getElementById('tail-status');
  tail = new EventSource('/sluice/api/tail?' + conditions(ev.target));
  tail.onopen = () => { status.textContent = 'following'; };
  tail.onerror = () => { status.textContent = 'reconnecting…'; };
  tail.onmessage = (m) => {
    eventRow(body.insertRow(0), JSON.parse(m.data));
    while (body.rows.length > 200) body.deleteRow(-1);
  };
  tail.addEventListener('skipped', (m) => { status.textContent = 'following (' + m.data + ' skipped: too fast to show)'; });
});

start().catch((e) => { document.getElementById('updated').textContent = 'cannot reach the API: ' + e.message; });
