import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { shiftFrameTimes } from '../../adapters/record/replay-clock';
import { startRawReplay } from '../../adapters/record/replay-server';
import { RecordingWriter } from '../../adapters/record/writer';
import { META_FILE } from '../../adapters/record/format';

// Frames as the venues send them (and the simulator records them): only the venue's own times move.
describe('a replayed frame\'s venue times moved onto the replay\'s clock, as text', () => {
  it('Binance: E and T in ms; every other byte as recorded', () => {
    const f = '{"e":"depthUpdate","E":1764553200123,"s":"BTCUSDT","U":10,"u":12,"b":[["64167.51000000","0.10000000"]],"a":[]}';
    expect(shiftFrameTimes('binance', f, 60_000)).toBe(f.replace('1764553200123', '1764553260123'));
    const t = '{"e":"trade","E":1764553200123,"s":"BTCUSDT","t":5,"p":"1.00000000","q":"2.00000000","T":1764553200120,"m":false,"M":true}';
    expect(shiftFrameTimes('binance', t, -1)).toBe(t.replace('1764553200123', '1764553200122').replace('1764553200120', '1764553200119'));
  });

  it('Kraken: ISO timestamps with microseconds keep their digits below the ms; numbers stay as sent', () => {
    const f = '{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":65062.5,"qty":0.00000000}],"asks":[],"checksum":1,"timestamp":"2026-08-09T21:05:48.170326Z"}]}';
    expect(shiftFrameTimes('kraken', f, 2_500)).toBe(f.replace('2026-08-09T21:05:48.170326Z', '2026-08-09T21:05:50.670326Z'));
  });

  it('Coinbase: the nanosecond top-level timestamp and microsecond event_time; a day boundary carries', () => {
    const f = '{"channel":"l2_data","timestamp":"2026-08-09T23:59:59.9835875Z","sequence_num":7,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"2026-08-09T23:59:59.170326Z","price_level":"65062.5","new_quantity":"0.12"}]}]}';
    expect(shiftFrameTimes('coinbase', f, 1_000)).toBe(f.replace('2026-08-09T23:59:59.9835875Z', '2026-08-10T00:00:00.9835875Z').replace('2026-08-09T23:59:59.170326Z', '2026-08-10T00:00:00.170326Z'));
    // Whole seconds without a fraction stay without one.
    expect(shiftFrameTimes('coinbase', '{"timestamp":"2026-08-09T21:05:48Z"}', 2_000)).toBe('{"timestamp":"2026-08-09T21:05:50Z"}');
  });

  it('a shift of 0 or a frame without times is returned unchanged', () => {
    const f = '{"channel":"heartbeats","timestamp":"2026-08-09T21:05:48.854840045Z","events":[{"current_time":"2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.26","heartbeat_counter":3}]}';
    expect(shiftFrameTimes('coinbase', f, 0)).toBe(f);
    expect(shiftFrameTimes('kraken', '{"channel":"heartbeat"}', 5_000)).toBe('{"channel":"heartbeat"}');
  });
});

describe('qbot sim --replay-raw --rebase-times: the replay server sends the frames with moved times', () => {
  it('a recorded Binance diff arrives with E = now - the delay it had when recorded; without the option, as recorded', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-clock-'));
    // Recorded a day ago: received 40 ms after the venue's own time.
    const t = Date.now() - 86_400_000;
    const frame = `{"e":"depthUpdate","E":${t - 40},"s":"BTCUSDT","U":1,"u":2,"b":[["64167.51000000","0.10000000"]],"a":[]}`;
    fs.writeFileSync(path.join(dir, META_FILE), JSON.stringify({ format: 'qbot-raw-recording/1', source: 'test', exchanges: ['binance'], symbols: ['BTC/USDT'], krakenDepth: 25, startedAtUs: t * 1000 }));
    const w = new RecordingWriter({ dir });
    w.write({ t: t * 1000, v: 'binance', c: 'binance-1', k: 'ws', d: frame });
    w.close();
    const received = async (rebaseTimes: boolean): Promise<string> => {
      const replay = await startRawReplay({ dir, speed: 0, rebaseTimes });
      try {
        const ws = new WebSocket(`ws://127.0.0.1:${replay.port}/binance/stream/ws`);
        const got = new Promise<string>((resolve, reject) => {
          ws.on('message', (d: Buffer) => { if (d.toString().includes('depthUpdate')) resolve(d.toString()); });
          ws.on('error', reject);
        });
        ws.on('open', () => ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 })));
        const text = await got;
        ws.close();
        return text;
      } finally {
        await replay.close();
      }
    };
    try {
      expect(await received(false)).toBe(frame);
      const before = Date.now();
      const moved = await received(true);
      const e = Number(/"E":(\d+)/.exec(moved)![1]);
      expect(e).toBeGreaterThanOrEqual(before - 40);
      expect(e).toBeLessThanOrEqual(Date.now() - 40);
      expect(moved.replace(/"E":\d+/, '')).toBe(frame.replace(/"E":\d+/, ''));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
