import type { Command } from 'commander';
import { EXCHANGE_IDS, type ExchangeId } from '../../../domain/market';
import { startSimulator } from '../../../adapters/sim';
import { serveRawReplay } from './sim-replay-raw';

interface SimOpts { replayRaw?: string; rebaseTimes?: boolean; state?: string; port?: string; host?: string; seed?: string; replay?: string; speed?: string; faults?: string; exchanges?: string; tick?: string; bookDepth?: string; json?: boolean }

/** `qbot sim`: the local exchange simulator, standalone, until Ctrl-C. */
export function registerSimCommands(program: Command): void {
  program
    .command('sim')
    .description('run the local exchange simulator (Binance, Kraken, Coinbase wire formats) and print the ccxt urls overrides')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--seed <n>', 'market model seed (same seed, same market)', '1')
    .option('--replay <file>', 'serve recorded books from a JSON Lines file instead of the model')
    .option('--replay-raw <dir>', 'serve a raw recording (qbot record) as each venue\'s WebSocket and REST server instead of the simulator')
    .option('--rebase-times', 'with --replay-raw: move the venues\' own timestamps onto the replay\'s clock, keeping the recorded delay (a live hot path judges book age by them)')
    .option('--speed <x>', 'replay speed factor (1 = recorded pace, 0 = all at once)', '1')
    .option('--faults <spec>', 'faults to inject, e.g. "binance:silence=5000,kraken:http-429=3"')
    .option('--exchanges <list>', 'comma-separated venues to run', EXCHANGE_IDS.join(','))
    .option('--tick <ms>', 'market model step in milliseconds', '250')
    .option('--book-depth <n>', 'levels a side a model book can grow to (a Coinbase snapshot carries them all)', '2000')
    .option('--state <file>', 'keep the accounts (balances, orders, transfers, staking) in this JSON file: a restart continues them')
    .option('--json', 'print one JSON object: ccxt exchange id -> urls to deep-merge')
    .action(async (o: SimOpts) => {
      if (o.replayRaw) return serveRawReplay(o.replayRaw, { port: wholeNumber(o.port, '--port'), host: o.host ?? '127.0.0.1', speed: positiveNumber(o.speed, '--speed'), json: Boolean(o.json), rebaseTimes: Boolean(o.rebaseTimes) });
      const exchanges = (o.exchanges ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = exchanges.filter((e) => !(EXCHANGE_IDS as readonly string[]).includes(e));
      if (unknown.length) throw new Error(`unknown exchange(s): ${unknown.join(', ')} (have ${EXCHANGE_IDS.join(', ')})`);
      const sim = await startSimulator({
        port: wholeNumber(o.port, '--port'), host: o.host ?? '127.0.0.1', seed: wholeNumber(o.seed, '--seed'), tickMs: wholeNumber(o.tick, '--tick'),
        replaySpeed: positiveNumber(o.speed, '--speed'), exchanges: exchanges as ExchangeId[],
        ...(o.replay ? { replayFile: o.replay } : {}), ...(o.faults ? { faults: o.faults } : {}),
        ...(o.state ? { stateFile: o.state } : {}), bookDepth: atLeastOne(wholeNumber(o.bookDepth, '--book-depth'), '--book-depth'),
      });
      if (o.json) console.log(JSON.stringify(sim.urls));
      else {
        console.log(`simulator listening on 127.0.0.1:${sim.port} (${o.replay ? `replaying ${o.replay}` : `model seed ${o.seed ?? '1'}`}); any API key works`);
        for (const [id, urls] of Object.entries(sim.urls)) console.log(`  ${id}: urls = ${JSON.stringify(urls)}`);
        console.log('deep-merge into the ccxt exchange\'s urls and call `await exchange.loadHttpProxyAgent()` before watching (ws://). Ctrl-C stops.');
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
    });
}

function wholeNumber(v: string | undefined, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, got "${String(v)}"`);
  return n;
}

function atLeastOne(n: number, flag: string): number {
  if (n < 1) throw new Error(`${flag} must be at least 1, got ${n}`);
  return n;
}

function positiveNumber(v: string | undefined, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number >= 0, got "${String(v)}"`);
  return n;
}
