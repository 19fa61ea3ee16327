import type { Command } from 'commander';
import { EXCHANGE_IDS, type ExchangeId } from '../../../domain/market';
import { Recorder, type RecordStats } from '../../../adapters/record/recorder';
import { recordingToJsonl } from '../../../adapters/record/to-jsonl';

interface RecordOpts { exchanges: string; symbols: string; out: string; sim?: string; duration?: string; krakenDepth: string; rotateMb: string }

const DEFAULT_SYMBOLS = 'BTC/USDT,ETH/USDT,SOL/USDT,BTC/USDC,ETH/USDC,SOL/USDC,BTC/USD,ETH/USD,SOL/USD,USDC/USDT,USDT/USD,USDC/USD,ETH/BTC,SOL/BTC,SOL/ETH';

/** `qbot record`: the public book streams of the venues, raw, into a folder. */
export function registerRecordCommands(program: Command): void {
  program
    .command('record')
    .description('record the public WebSocket book frames (raw, µs receive times) and REST market metadata, gzip, rotated')
    .requiredOption('--out <dir>', 'folder to write meta.json and frames-NNNN.jsonl.gz into')
    .option('--exchanges <list>', 'comma-separated venues', EXCHANGE_IDS.join(','))
    .option('--symbols <list>', 'comma-separated unified symbols (each venue records those it lists)', DEFAULT_SYMBOLS)
    .option('--sim <url>', 'record from the project\'s simulator at this base URL (e.g. http://127.0.0.1:8790) instead of the real venues')
    .option('--duration <s>', 'stop by itself after this many seconds (default: until Ctrl-C)')
    .option('--kraken-depth <n>', 'Kraken v2 book depth (10, 25, 100, 500, 1000)', '100')
    .option('--rotate-mb <n>', 'start a new file past this many compressed MB (files also rotate every UTC hour)', '64')
    .action(async (o: RecordOpts) => {
      const exchanges = list(o.exchanges);
      const unknown = exchanges.filter((e) => !(EXCHANGE_IDS as readonly string[]).includes(e));
      if (unknown.length) throw new Error(`unknown exchange(s): ${unknown.join(', ')} (have ${EXCHANGE_IDS.join(', ')})`);
      const symbols = list(o.symbols);
      const bad = symbols.filter((s) => !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s));
      if (bad.length) throw new Error(`--symbols: not unified symbols like BTC/USDT: ${bad.join(', ')}`);
      const duration = o.duration === undefined ? undefined : Number(o.duration);
      if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) throw new Error(`--duration must be a number of seconds > 0, got "${o.duration}"`);
      const depth = Number(o.krakenDepth);
      if (![10, 25, 100, 500, 1000].includes(depth)) throw new Error(`--kraken-depth must be 10, 25, 100, 500 or 1000, got "${o.krakenDepth}"`);
      const rotateMb = Number(o.rotateMb);
      if (!(Number.isFinite(rotateMb) && rotateMb > 0)) throw new Error(`--rotate-mb must be a number > 0, got "${o.rotateMb}"`);
      if (o.sim !== undefined && !/^https?:\/\/[^/]+\/?$/.test(o.sim)) throw new Error(`--sim must be a base URL like http://127.0.0.1:8790, got "${o.sim}"`);

      const rec = new Recorder({
        exchanges: exchanges as ExchangeId[], symbols, out: o.out, krakenDepth: depth, rotateBytes: Math.round(rotateMb * 1024 * 1024),
        ...(o.sim ? { sim: o.sim } : {}), onNote: (m) => console.error(`record: ${m}`),
      });
      await rec.start();
      console.error(`recording ${exchanges.join(', ')} into ${o.out}${o.sim ? ` from ${o.sim}` : ''}${duration ? ` for ${duration} s` : ' until Ctrl-C'}`);
      const tty = process.stderr.isTTY;
      let ticks = 0;
      const progress = setInterval(() => {
        ticks += 1;
        // On a terminal one line redrawn every second; in a log one line every 10 s.
        if (tty) process.stderr.write(`\r${progressLine(rec.stats())}   `);
        else if (ticks % 10 === 0) console.error(progressLine(rec.stats()));
      }, 1000);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          clearTimeout(timer);
          resolve();
        };
        const timer = duration ? setTimeout(stop, duration * 1000) : undefined;
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      clearInterval(progress);
      const stats = await rec.stop();
      if (tty) process.stderr.write('\n');
      console.log(progressLine(stats));
    });

  program
    .command('convert-recording')
    .description('turn a raw recording into the JSONL book snapshots `qbot scan` reads (plus <out>.markets.json)')
    .requiredOption('--recording <dir>', 'a folder written by `qbot record`')
    .requiredOption('--out <file>', 'JSONL file to write')
    .option('--depth <n>', 'levels kept per side', '50')
    .action(async (o: { recording: string; out: string; depth: string }) => {
      const depth = Number(o.depth);
      if (!(Number.isInteger(depth) && depth > 0)) throw new Error(`--depth must be a whole number > 0, got "${o.depth}"`);
      const r = await recordingToJsonl(o.recording, o.out, depth);
      if (r.cutFiles.length) console.error(`convert-recording: cut file(s) read up to their last complete batch: ${r.cutFiles.join(', ')}`);
      console.log(`${r.books} book states and ${r.markets} markets written to ${o.out} and ${o.out}.markets.json`);
    });
}

export function progressLine(s: RecordStats): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
  const venues = Object.entries(s.venues).map(([v, p]) => `${v} ${p.frames} frames ${mb(p.bytes)} (${p.markets} markets, ${p.connections} conn)`);
  return `${venues.join(' | ')} | written ${mb(s.bytesOut)} in ${s.files} file(s)`;
}

function list(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}
