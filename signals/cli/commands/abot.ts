import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { abotInboxQuery, type AbotAlert } from '../../defs';
import { DEFAULT_PLACEMENT, modeWorkflowInput } from '../../mode-start';
import { TemporalAlertSink } from '../../webhook/deliver';
import { CliExit, EXIT, withTemporal } from '../temporal-cli';

/** `qbot abot buy|sell COIN`: the operator's A-bot alert, delivered exactly like TradingView's. */
export function registerAbotCommands(program: Command): void {
  const abot = program.command('abot').description('A-bot commands');
  for (const action of ['buy', 'sell'] as const) {
    abot
      .command(`${action} <coin>`)
      .description(`send the A-bot a ${action} signal for <coin> (from coins.json abotUniverse)`)
      .option('--id <alertId>', 'your own id: re-sending with it is ignored as a duplicate')
      .action((coin: string, opts: { id?: string }) =>
        withTemporal(async ({ client, config }) => {
          const ticker = coin.toUpperCase();
          const universe = config.coins.abotUniverse;
          if (!universe.includes(ticker)) throw new CliExit(EXIT.refused, `refused: ${ticker} is not in the A-bot universe (${universe.join(', ')})`);
          const alert: AbotAlert = { action, ticker, alertId: opts.id ?? `operator-${randomUUID()}`, firedAt: new Date().toISOString(), source: 'operator' };
          try {
            await new TemporalAlertSink(client, modeWorkflowInput(config.settings), DEFAULT_PLACEMENT, 10_000).deliverAbot(alert);
          } catch (err) {
            throw new CliExit(EXIT.unreachable, `not delivered: ${(err as Error).message}`);
          }
          const inbox = await client.workflow.getHandle(DEFAULT_PLACEMENT.abotInboxWorkflowId).query(abotInboxQuery).catch(() => null);
          const queued = inbox ? `; ${inbox.pending.length} alert(s) waiting for the A-bot` : '';
          console.log(`accepted: ${action} ${ticker} (id ${alert.alertId})${queued}`);
          return EXIT.ok;
        }),
      );
  }
}
