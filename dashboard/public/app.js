/* global document, Node, prompt, confirm, sessionStorage, fetch, EventSource, setInterval */
// The dashboard page: renders the server's state (already formatted decimal strings) and sends
// actions with the token. It does no arithmetic on money: every figure arrives as text.
'use strict';

const $ = (id) => document.getElementById(id);
const text = (id, value) => { $(id).textContent = value == null ? '' : String(value); };

function rows(tbodyId, items, cells) {
  const body = $(tbodyId);
  body.replaceChildren(...items.map((item) => {
    const tr = document.createElement('tr');
    for (const c of cells(item)) {
      const td = document.createElement('td');
      if (c instanceof Node) td.append(c); else td.textContent = c == null ? '' : String(c);
      tr.append(td);
    }
    return tr;
  }));
}

function link(href, label) {
  if (!href) return document.createTextNode('');
  const a = document.createElement('a');
  a.href = href; a.target = '_blank'; a.rel = 'noopener'; a.textContent = label;
  return a;
}

function button(label, onClick, disabled) {
  const b = document.createElement('button');
  b.textContent = label; b.disabled = Boolean(disabled); b.addEventListener('click', onClick);
  return b;
}

function render(s) {
  text('updated', `updated ${s.at.slice(11, 19)} UTC`);
  text('trading', `${s.tradingMode} trading · ${s.marketData} market data`);
  if (s.mode.error) {
    text('mode', 'unknown'); text('split', s.mode.error);
  } else {
    text('mode', s.mode.mode); text('split', s.mode.split); text('changed', s.mode.changedAt);
    text('reason', s.mode.reason); text('last-flip', s.mode.lastFlip);
    if (s.mode.link) $('mode-link').href = s.mode.link;
  }
  text('hotpath-state', s.hotpath.state);
  $('hotpath-state').className = s.hotpath.state === 'running' ? 'good' : s.hotpath.state === 'down' ? 'bad' : 'warn';
  // Every hot path this dashboard reads (one in the demo; a list in split mode), each up or down.
  rows('hotpaths', s.hotpaths || [], (h) => {
    const st = document.createElement('span');
    st.textContent = h.state; st.className = h.state === 'running' ? 'good' : h.state === 'down' ? 'bad' : 'warn';
    return [h.source, st, h.detail];
  });
  text('hotpath-reason', s.hotpath.reason || '');
  text('kill-switch', s.hotpath.state === 'down' ? 'kill switch: unknown while the hot path is down' : s.hotpath.killSwitch ? `kill switch tripped: ${s.hotpath.killSwitch}` : 'kill switch: armed, not tripped');
  $('kill-switch').className = s.hotpath.killSwitch ? 'bad' : 'muted';
  text('evaluated', s.hotpath.evaluated);
  text('books', s.hotpath.books);
  text('prefiltered', s.hotpath.prefiltered);
  text('pnl', s.pnl.realisedUsd);
  text('total-usd', s.totalUsd);
  rows('fees', s.pnl.fees.length ? s.pnl.fees : [{ exchange: 'no fees paid yet', asset: '', amount: '' }], (f) => [f.exchange, f.asset, f.amount]);
  rows('health', s.health, (h) => {
    const st = document.createElement('span');
    st.textContent = h.state; st.className = h.state === 'live' ? 'good' : h.state === 'down' ? 'bad' : 'warn';
    const rb = document.createElement('span');
    rb.textContent = h.rateBudget; rb.className = h.rateLimited ? 'bad' : '';
    return [h.exchange, st, `${h.live}/${h.total}`, h.worstAgeMs, h.reconnects, rb];
  });
  renderChart(s.pnl.chart);
  text('sweep-available', s.pnl.sweep.availableUsd);
  text('sweep-basis', `(${s.pnl.sweep.percent} % of $${s.pnl.sweep.profitSinceLastUsd} realised since the last sweep: ${s.pnl.sweep.lastSweep})`);
  renderBots(s.bots);
  rows('opportunities', s.opportunities.length ? s.opportunities : [{ route: 'nothing passed the prefilter in the last minute (books are close to fair)' }], (o) => [o.route, o.size, o.netProfit, o.netPercent, o.threshold, o.verdict, o.context]);
  rows('contexts', s.contexts, (c) => [c.market, c.level, c.threshold, c.depth, c.reasons]);
  $('venues').replaceChildren(...s.venues.map((v) => {
    const row = document.createElement('div'); row.className = 'bar';
    const label = document.createElement('span'); label.className = 'label';
    label.textContent = `${v.exchange} $${v.usd} · ${v.sharePercent} % (target ${v.targetPercent} %, drift ${v.driftPercent})`;
    const track = document.createElement('div'); track.className = 'track';
    const fill = document.createElement('div'); fill.className = 'fill'; fill.style.width = v.barWidth;
    const target = document.createElement('div'); target.className = 'target'; target.style.left = `${v.targetPercent}%`;
    track.append(fill, target); row.append(label, track);
    return row;
  }));
  rows('balances', s.balances, (b) => [b.exchange, b.asset, b.amount, b.usd]);
  rows('decisions', s.decisions.length ? s.decisions : [{ at: '', route: 'no opportunity above threshold yet' }], (d) => [d.at, d.outcome, d.route, d.netPercent, d.reason]);
  rows('trades', s.trades.length ? s.trades : [{ at: '', kind: 'no trades in the last hour' }], (t) => [t.at, t.simulated ? `${t.kind} (simulated)` : t.kind, t.exchange, t.asset, t.delta, t.note]);
  rows('entities', s.workflows.entities, (e) => [e.name, e.status, link(e.status === 'running' ? e.link : null, 'open in Temporal')]);
  text('reconcile-state', s.reconcile.state);
  text('reconcile-summary', s.reconcile.summary);
  rows('reconcile-differences', s.reconcile.differences, (d) => [d.exchange, d.asset, d.ledger, d.exchange_, d.difference]);
  rows('fee-schedules', s.feeSchedules.length ? s.feeSchedules : [{ exchange: 'no hot path reports its fees', source: '', detail: '' }], (f) => [f.exchange, f.source, f.detail]);
  text('rebalance-error', s.workflows.rebalanceError || (s.workflows.rebalances.length ? '' : 'none pending'));
  rows('rebalances', s.workflows.rebalances, (r) => [r.workflowId, r.state, r.summary,
    button('Approve', () => act(`/api/rebalances/${encodeURIComponent(r.workflowId)}/approve`, {}), !r.awaitingApproval),
    button('Reject', () => act(`/api/rebalances/${encodeURIComponent(r.workflowId)}/reject`, { reason: prompt('Why reject?') || '' }), !r.awaitingApproval),
    link(r.link, 'Temporal')]);
  $('sweep').disabled = !s.workflows.sweep.allowed;
  text('sweep-reason', s.workflows.sweep.allowed ? '' : s.workflows.sweep.reason);
}

// Coordinates arrive already scaled by the server (strings); the page only places them.
function renderChart(c) {
  const svg = $('pnl-chart');
  svg.setAttribute('viewBox', `0 0 ${c.width} ${c.height}`);
  $('chart-line').setAttribute('points', c.points);
  $('chart-zero').setAttribute('y1', c.zeroY); $('chart-zero').setAttribute('y2', c.zeroY);
  text('chart-max', `$${c.maxLabel}`); text('chart-min', `$${c.minLabel}`);
  text('chart-from', c.fromLabel || 'nothing realised yet'); text('chart-to', c.toLabel);
  text('chart-count', `${c.count} realised entries`);
}

function renderBots(b) {
  if (b.abot.notRunning) {
    text('abot-state', `A-bot ${b.abot.notRunning}`); rows('abot-slots', [], () => []);
  } else {
    text('abot-state', `A-bot ${b.abot.active} · realised $${b.abot.realisedUsd} · staking rewards $${b.abot.rewardsUsd}`);
    rows('abot-slots', b.abot.slots, (x) => [x.slot, x.coin, x.exchange, x.amount, x.stakedWhere, x.yieldPercent, x.kind, x.since]);
  }
  if (b.gold.notRunning) {
    text('gold-state', `G-bot ${b.gold.notRunning}`); text('gold-total', '–'); text('gold-avg', '–'); text('gold-cold', '–');
    rows('gold-held', [], () => []); rows('gold-cycles', [], () => []);
  } else {
    text('gold-state', `G-bot ${b.gold.active} · realised $${b.gold.realisedUsd}`);
    text('gold-total', b.gold.totalPaxg); text('gold-avg', b.gold.averageCostUsd); text('gold-cold', b.gold.cold.paxg);
    rows('gold-held', [...b.gold.perExchange, { exchange: 'cold wallet', paxg: b.gold.cold.paxg, costUsd: b.gold.cold.costUsd }], (p) => [p.exchange, p.paxg, p.costUsd]);
    rows('gold-cycles', b.gold.cycles, (c) => [c.mode, `sold ${c.sold}`, `kept ${c.kept}`, c.message]);
  }
  if (b.money.notRunning) {
    text('money-state', `money manager ${b.money.notRunning}`); text('money-bnb', ''); text('money-costs', ''); rows('money-drifts', [], () => []);
  } else {
    text('money-state', `last review ${b.money.lastReview} (${b.money.reviews} reviews)${b.money.problems.length ? ` · problems: ${b.money.problems.join('; ')}` : ''}`);
    text('money-bnb', b.money.bnb);
    text('money-costs', b.money.costs);
    rows('money-drifts', b.money.drifts.length ? b.money.drifts : [{ asset: 'no drift measured yet' }], (d) => [d.asset, d.driftPercent, d.state]);
  }
}

async function act(path, body) {
  const token = $('token').value;
  sessionStorage.setItem('dashboardToken', token);
  try {
    const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dashboard-token': token }, body: JSON.stringify(body) });
    const answer = await r.json();
    text('action-result', answer.ok ? `done: ${path}` : `refused (${r.status}): ${answer.message || answer.error}`);
    $('action-result').className = answer.ok ? 'good' : 'bad';
  } catch (err) {
    text('action-result', `failed: ${err.message}`);
  }
}

$('token').value = sessionStorage.getItem('dashboardToken') || '';
$('pause').addEventListener('click', () => act('/api/hotpath/pause', { reason: 'paused from the dashboard' }));
$('resume').addEventListener('click', () => act('/api/hotpath/resume', {}));
// Two steps: the server answers a preview with a confirmation code; only a confirmed code starts the sweep.
$('sweep').addEventListener('click', async () => {
  const token = $('token').value;
  sessionStorage.setItem('dashboardToken', token);
  try {
    const r = await fetch('/api/sweep', { method: 'POST', headers: { 'content-type': 'application/json', 'x-dashboard-token': token }, body: '{}' });
    const preview = await r.json();
    if (!preview.ok) { text('action-result', `refused (${r.status}): ${preview.message || preview.error}`); $('action-result').className = 'bad'; return; }
    if (!confirm(preview.message)) { text('action-result', 'sweep not confirmed: nothing done'); $('action-result').className = ''; return; }
    await act('/api/sweep', { confirm: preview.confirm.code });
  } catch (err) {
    text('action-result', `failed: ${err.message}`);
  }
});

// The trading analysis is computed by the server from the ledger (cached there for a few seconds);
// the page asks for it on its own, slower than the live state.
async function loadAnalysis() {
  try {
    const token = $('token').value;
    const r = await fetch('/api/analysis', { headers: token ? { 'x-dashboard-token': token } : {} });
    const a = await r.json();
    if (!r.ok) { text('analysis-from', `analysis unavailable (${r.status}): ${a.message || a.error}`); return; }
    rows('analysis-strategies', a.rows.length ? a.rows : [{ strategy: 'no attempt in the ledger yet' }], (x) => [x.strategy, x.attempts, x.completed, x.wins, x.winRate, x.netPnlUsd, x.feesUsd, x.averageNetPercent]);
    const refused = Object.entries(a.refusedByReason);
    rows('analysis-refusals', refused.length ? refused : [['nothing refused yet', '']], ([reason, n]) => [reason, n]);
    text('analysis-from', `refusals ${a.refusalsFrom}${a.unpricedFees ? ` · ${a.unpricedFees} fee lines without a USD price` : ''}`);
    text('analysis-at', `computed ${a.at.slice(11, 19)} UTC`);
  } catch (err) {
    text('analysis-from', `analysis unavailable: ${err.message}`);
  }
}
void loadAnalysis();
setInterval(() => void loadAnalysis(), 5000);

const events = new EventSource('/events');
events.onopen = () => { text('conn', 'live'); $('conn').className = 'pill good'; };
events.onerror = () => { text('conn', 'reconnecting…'); $('conn').className = 'pill bad'; };
events.onmessage = (e) => render(JSON.parse(e.data));
