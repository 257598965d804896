// Sluice's page: the REST API under /sluice/api/ (docs/api.md), same origin, same login.
'use strict';

const api = (path) => fetch('/sluice/api/' + path, {credentials: 'same-origin'}).then(async (r) => {
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
});

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

// Event rates: counter deltas between two polls, kept for an hour in the page.
const HOUR = 3600;
const rates = { t: [], received: [], shipped: [] };
let last = null;
let chart = null;

function sumOf(components, kind, counter) {
  return components.filter((c) => c.kind === kind).reduce((n, c) => n + (c.counters[counter] || 0), 0);
}

function chartRates(status) {
  const now = Date.parse(status.time) / 1000;
  const sample = { t: now, received: sumOf(status.components, 'receiver', 'received'),
    shipped: sumOf(status.components, 'shipper', 'acked') };
  if (last && now > last.t) {
    const dt = now - last.t;
    rates.t.push(now);
    rates.received.push(Math.max(0, (sample.received - last.received) / dt));
    rates.shipped.push(Math.max(0, (sample.shipped - last.shipped) / dt));
    while (rates.t.length && rates.t[0] < now - HOUR) {
      rates.t.shift(); rates.received.shift(); rates.shipped.shift();
    }
  }
  last = sample;
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

async function refresh() {
  try {
    const [status, clients, streams] = await Promise.all([api('status'), api('clients'), api('streams')]);
    fill('components', status.components, (row, c) => {
      row.className = 'state-' + c.state;
      row.dataset.name = c.name;
      cell(row, c.name); cell(row, c.kind); cell(row, c.state);
      for (const k of ['received', 'acked', 'failed', 'queued']) cell(row, c.counters[k], 'num');
      cell(row, c.detail);
    });
    fill('clients', clients.clients, (row, c) => {
      row.dataset.listener = c.listener;
      cell(row, c.listener); cell(row, c.peer); cell(row, c.protocol); cell(row, c.since); cell(row, c.events, 'num');
    });
    fill('streams', streams.streams, (row, s) => {
      cell(row, s.stream); cell(row, s.depth, 'num');
      cell(row, Object.entries(s.lag).map(([g, n]) => g + ': ' + n).join(', '));
    });
    chartRates(status);
    document.getElementById('updated').textContent = 'updated ' + new Date(status.time).toLocaleTimeString();
  } catch (e) {
    document.getElementById('updated').textContent = 'cannot reach the API: ' + e.message;
  }
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
    pre.textContent = JSON.stringify(d, null, 2);
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

refresh();
setInterval(refresh, 2000);
