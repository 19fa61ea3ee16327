import type { BacktestReport, RunSummary } from './report';

const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(caption: string, testId: string, head: string[], rows: Array<Array<string | number>>): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.length ? rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${head.length}">none</td></tr>`;
  return `<table data-testid="${esc(testId)}"><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * The equity curve as inline SVG: cumulative net PnL in USD against time. The coordinates are
 * for drawing only (floats are fine for pixels); the figures beside it are the report's strings.
 */
function equitySvg(run: RunSummary): string {
  const w = 720;
  const h = 220;
  const pts = run.equity.map((p) => ({ x: p.at, y: Number(p.pnlUsd) }));
  if (!pts.length) return `<svg data-testid="equity" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><text x="10" y="20">no trades</text></svg>`;
  const all = [{ x: pts[0]!.x, y: 0 }, ...pts];
  const x0 = Math.min(...all.map((p) => p.x));
  const x1 = Math.max(...all.map((p) => p.x), x0 + 1);
  const y0 = Math.min(0, ...all.map((p) => p.y));
  const y1 = Math.max(0, ...all.map((p) => p.y), y0 + 1e-9);
  const sx = (x: number) => (40 + ((x - x0) / (x1 - x0)) * (w - 60)).toFixed(1);
  const sy = (y: number) => (h - 20 - ((y - y0) / (y1 - y0)) * (h - 40)).toFixed(1);
  const path = all.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x)},${sy(p.y)}`).join(' ');
  return `<svg data-testid="equity" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<line x1="40" x2="${w - 20}" y1="${sy(0)}" y2="${sy(0)}" stroke="#999" stroke-dasharray="4 3"/>
<path d="${path}" fill="none" stroke="#1f6feb" stroke-width="2"/>
<text x="4" y="14" font-size="11">${esc(run.netPnlUsd)} USD</text>
</svg>`;
}

const breakdownRows = (b: RunSummary['byStrategy']) => Object.entries(b).map(([k, v]) => [k, v.trades, v.netPnlUsd, v.feesUsd]);

/** The report as one self-contained page: no script, no external asset. */
export function renderReportHtml(r: BacktestReport): string {
  const run = r.run;
  const headline = [
    ['source', r.source], ['books', r.books], ['latency ms', r.latencyMs], ['threshold %', r.thresholdPercent ?? (r.thresholdSource === 'market-scanner' ? 'per decision' : 'baseline')], ['threshold source', r.thresholdSource],
    ['trades', r.trades], ['net PnL USD', r.netPnlUsd], ['fees USD', r.feesUsd], ['win rate', run.winRate], ['average net % (decision)', run.averageNetPercent],
    ['evaluated', run.evaluated], ['refused', run.refused],
  ];
  const parts = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>qbot backtest</title>`,
    `<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0 24px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}caption{text-align:left;font-weight:600;padding:4px 0}</style></head><body>`,
    `<h1>qbot backtest</h1>`,
    table('Summary', 'summary', ['figure', 'value'], headline),
    `<h2>Equity curve (net PnL, USD)</h2>`,
    equitySvg(run),
    table('PnL and fees per strategy', 'by-strategy', ['strategy', 'trades', 'net PnL USD', 'fees USD'], breakdownRows(run.byStrategy)),
    table('PnL and fees per route', 'by-route', ['route', 'trades', 'net PnL USD', 'fees USD'], breakdownRows(run.byRoute)),
    table('PnL and fees per venue', 'by-venue', ['venue', 'trades', 'net PnL USD', 'fees USD'], breakdownRows(run.byVenue)),
    table('Trades taken', 'taken', ['status', 'count'], [['completed', run.completed], ['single-leg', run.singleLeg], ['no-fill', run.noFill]]),
    table('Refused by reason', 'refused', ['reason', 'count'], Object.entries(run.refusedByReason)),
    table('How long opportunities lasted (ms)', 'durations', ['opportunities', 'median', 'p90', 'max'], [[run.opportunities.count, run.opportunities.medianMs, run.opportunities.p90Ms, run.opportunities.maxMs]]),
    table('Slippage: realised PnL minus the decision\'s estimate (USD)', 'slippage', ['trades', 'total', 'mean'], [[run.slippage.trades, run.slippage.totalUsd, run.slippage.meanUsd]]),
  ];
  if (r.byThreshold) {
    parts.push(table('One row per threshold', 'by-threshold', ['threshold %', 'trades', 'net PnL USD', 'fees USD', 'win rate', 'refused'],
      r.byThreshold.map((t) => [t.thresholdPercent ?? t.thresholdSource, t.trades, t.netPnlUsd, t.feesUsd, t.winRate, t.refused])));
  }
  parts.push(table('Trades', 'trades', ['time (UTC)', 'strategy', 'route', 'status', 'net PnL USD', 'expected USD', 'fees USD', 'decision net %'],
    run.tradeList.map((t) => [new Date(t.at).toISOString(), t.strategy, t.route, t.status, t.pnlUsd, t.expectedPnlUsd ?? '-', t.feesUsd, t.decisionNetPercent])));
  parts.push('</body></html>');
  return parts.join('\n');
}
