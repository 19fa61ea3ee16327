import type { IncomingMessage } from 'node:http';

/**
 * Reads the body as UTF-8 text, refusing it as soon as it exceeds `limit` bytes (a declared
 * Content-Length over the limit is refused before reading anything).
 */
export function readBodyLimited(req: IncomingMessage, limit: number): Promise<{ ok: true; text: string } | { ok: false }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.off('data', onData);
        resolve({ ok: false });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!done) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.once('error', (err) => {
      if (!done) reject(err);
    });
    // Cut off mid-body (the request timeout, or the client went away): settle rather than wait forever.
    req.once('close', () => {
      if (!done && !req.complete) {
        done = true;
        resolve({ ok: false });
      }
    });
  });
}
