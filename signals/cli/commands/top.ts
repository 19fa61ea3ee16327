import type { Command } from 'commander';
import { effectiveEnv } from '../../../config/dotenv';
import { loadConfig } from '../../../config';
import type { DashboardState } from '../../../dashboard/state';

/**
 * `qbot top`: the dashboard's essentials on one terminal screen, refreshed every second. It reads
 * the running dashboard's /api/state (the same decimal strings the page shows), so it needs the
 * demo or `npm start` running; it never computes figures itself.
 */
export function renderTop(s: DashboardState, width = 100): string {
  const line = (t = '') => (t.length > width ? `${t.slice(0, width - 1)}…` : t);
  const out: string[] = [];
  out.push(line(`qbot top — ${s.at.slice(0, 19).replace('T', ' ')} UTC — ${s.tradingMode} trading, ${s.marketData} market data`));
  if ('error' in s.mode) out.push(line(`mode: ${s.mode.error}`));
  else {
    out.push(line(`mode ${s.mode.mode}  (${s.mode.split})`));
    out.push(line(`  last flip: ${s.mode.lastFlip}`));
  }
  out.push(line(`hot path ${s.hotpath.state}${s.hotpath.reason ? ` (${s.hotpath.reason})` : ''}  kill switch ${s.hotpath.killSwitch ?? 'not tripped'}  books ${s.hotpath.books} evaluated ${s.hotpath.evaluated}`));
  out.push(line(`PnL $${s.pnl.realisedUsd}   capital $${s.totalUsd}   fees ${s.pnl.fees.map((f) => `${f.amount} ${f.asset}@${f.exchange}`).join(', ') || 'none'}`));
  out.push('');
  out.push('feeds');
  for (const h of s.health) out.push(line(`  ${h.exchange.padEnd(9)} ${h.state.padEnd(12)} ${`${h.live}/${h.total}`.padEnd(7)} oldest ${h.worstAgeMs.padEnd(10)} reconnects ${h.reconnects}`));
  out.push('venues');
  for (const v of s.venues) out.push(line(`  ${v.exchange.padEnd(9)} $${v.usd.padStart(12)}  ${v.sharePercent.padStart(5)} % (target ${v.targetPercent} %, drift ${v.driftPercent})`));
  out.push('best opportunities');
  if (s.opportunities.length === 0) out.push('  none passed the prefilter in the last minute');
  for (const o of s.opportunities.slice(0, 5)) out.push(line(`  ${o.netPercent.padStart(10)}  thr ${o.threshold}  ${o.route}  ${o.verdict}`));
  out.push('recent');
  for (const d of s.decisions.slice(0, 3)) out.push(line(`  ${d.at} ${d.outcome} ${d.route} ${d.netPercent} ${d.reason}`));
  for (const t of s.trades.slice(0, 5)) out.push(line(`  ${t.at} ${t.kind} ${t.exchange} ${t.delta} ${t.asset} ${t.note}`));
  out.push('workflows');
  out.push(line(`  ${s.workflows.entities.map((e) => `${e.name}: ${e.status}`).join(' · ')}`));
  out.push(line(`  rebalances pending: ${s.workflows.rebalances.length}${s.workflows.rebalanceError ? ` (${s.workflows.rebalanceError})` : ''}`));
  return out.join('\n');
}

function defaultUrl(): string {
  const env = effectiveEnv({ withDemoDefaults: true });
  const { settings } = loadConfig({ env });
  return `http://${settings.dashboard.host}:${env.DASHBOARD_PORT || settings.dashboard.port}/`;
}

async function fetchState(url: string): Promise<DashboardState> {
  const r = await fetch(new URL('api/state', url), { signal: AbortSignal.timeout(3_000) });
  if (!r.ok) throw new Error(`the dashboard answered ${r.status}`);
  return (await r.json()) as DashboardState;
}

export function registerTopCommands(program: Command): void {
  program
    .command('top')
    .description('one-screen live view of mode, hot path, feeds, balances and opportunities (needs the demo or npm start running)')
    .option('--url <url>', 'dashboard base URL (default from config dashboard.* and DASHBOARD_PORT)')
    .option('--once', 'print one frame and exit')
    .action(async (o: { url?: string; once?: boolean }) => {
      const url = o.url ?? defaultUrl();
      const frame = async () => {
        try {
          return renderTop(await fetchState(url), process.stdout.columns || 100);
        } catch (err) {
          return `qbot top: cannot read ${url}: ${(err as Error).message} (is \`npm run demo\` running?)`;
        }
      };
      if (o.once) {
        const text = await frame();
        console.log(text);
        if (text.startsWith('qbot top: cannot read')) process.exitCode = 1;
        return;
      }
      for (;;) {
        const text = await frame();
        // Clear the screen and home the cursor: one screen, redrawn in place.
        process.stdout.write(`\x1b[2J\x1b[H${text}\n\n(Ctrl-C to quit)\n`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    });
}
