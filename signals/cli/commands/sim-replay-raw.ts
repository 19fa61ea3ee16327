import { startRawReplay } from '../../../adapters/record/replay-server';

/** `qbot sim --replay-raw DIR`: a recording served as the venues' servers until Ctrl-C. */
export async function serveRawReplay(dir: string, o: { port: number; host: string; speed: number; json: boolean; rebaseTimes?: boolean }): Promise<void> {
  const replay = await startRawReplay({ dir, port: o.port, host: o.host, speed: o.speed, rebaseTimes: Boolean(o.rebaseTimes) });
  const opts = Object.fromEntries(replay.meta.exchanges.map((e) => [e, (replay.ccxtOptions(e) as { urls: unknown }).urls]));
  if (o.json) console.log(JSON.stringify(opts));
  else {
    console.log(`raw replay of ${dir} on ${o.host}:${replay.port} at ${o.speed === 0 ? 'full speed' : `${o.speed}x the recorded pace`}; one timeline from the first subscription, every socket joins where it stands${o.rebaseTimes ? ', venue timestamps moved onto this clock' : ''} (no API key needed)`);
    for (const [id, urls] of Object.entries(opts)) console.log(`  ${id}: urls = ${JSON.stringify(urls)}`);
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
  await replay.close();
}
