import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config';
import { Decimal } from '../../domain/money/decimal';
import { monthKey } from '../../domain/sweep';
import { startSweep } from '../../signals/cli/commands/sweep';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { handleAction, wireSweepAction } from '../../dashboard/actions';
import { tokenMatches } from '../../dashboard/auth';
import type { HotpathSource } from '../../dashboard/hotpath-source';
import { botRig, botWorker, COLD, type BotRig } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

const D = (s: string) => new Decimal(s);
const claims = (rig: BotRig) => rig.ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { what?: string }).what === 'sweep-claim');

/** Binance withdraws PAXG with a live minimum (like ccxt's `limits.withdraw.min`) and fee. */
function withMinimum(rig: BotRig, min: string): void {
  const v = rig.venues.find((x) => x.exchange === 'binance')!;
  v.funding = new PaperFunding({ exchange: 'binance', wallet: rig.wallets.binance, networks: { PAXG: [{ network: 'ERC20', fee: D('0.0001'), min: D(min) }] }, allowedAddresses: [COLD] });
  rig.venues.find((x) => x.exchange === 'kraken')!.funding = undefined;
}

function profit(rig: BotRig, usd: string, id: string): void {
  rig.ledger.append([{ kind: 'decision', at: Date.now() - 1000, correlationId: id, idempotencyKey: id, realisedPnlUsd: D(usd), details: { what: 'test profit' } }]);
}

describe('the sweep checks the withdrawal minimum before it buys (real Temporal, paper venues)', () => {
  it('15 % of a small profit below PAXG\'s withdrawal minimum + fee: refused BELOW_WITHDRAWAL_MINIMUM, nothing bought, the month not claimed', async () => {
    const { settings } = loadConfig();
    const rig = botRig({ balances: { binance: { USDT: '2000' }, kraken: {}, coinbase: {} }, staking: {} });
    withMinimum(rig, '0.01'); // 15 USD at ~2600 is ~0.0058 PAXG
    profit(rig, '100', 'small-profit');
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    await worker.runUntil(async () => {
      const r = await startSweep(env.client, settings, { taskQueue });
      expect(r.code).toBe(1);
      expect(r.message).toMatch(/^refused: BELOW_WITHDRAWAL_MINIMUM: 15.*binance needs 0.0101/);
      expect(rig.wallets.binance.freeOf('PAXG').isZero()).toBe(true);
      expect(rig.wallets.binance.freeOf('USDT').toFixed()).toBe('2000');
      expect(claims(rig)).toHaveLength(0);
      expect(rig.ledger.entries({ kind: 'fill' })).toHaveLength(0);
    });
    rig.close();
  }, 60_000);

  it('dashboard Monthly sweep over HTTP: token, preview + confirm code, then the same rules as `qbot sweep`', async () => {
    const { settings } = loadConfig();
    const rig = botRig({ balances: { binance: { USDT: '2000' }, kraken: {}, coinbase: {} }, staking: {} });
    withMinimum(rig, '0.01');
    profit(rig, '100', 'small-profit');
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    const TOKEN = 'dashboard-token-for-the-test';
    wireSweepAction({ settings, taskQueue, timeoutMs: 30_000 });
    // The dashboard server's POST /api/* dispatch (dashboard/server.ts) around the real route logic.
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://dashboard');
      const given = req.headers['x-dashboard-token'];
      void handleAction({ req, res, url, authorised: tokenMatches(TOKEN, typeof given === 'string' ? given : undefined), tokenSet: true, client: env.client, hotpath: {} as HotpathSource, after: () => undefined });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = async (body: object, token: string | null = TOKEN) => {
      const r = await fetch(`${base}/api/sweep`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-dashboard-token': token } : {}) }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { ok: boolean; error?: string; message?: string; confirm?: { code: string; month: string }; sweep?: { state: string; paxg?: string } } };
    };
    try {
      await worker.runUntil(async () => {
        expect((await post({}, null)).status).toBe(401);
        expect((await post({}, 'wrong-token')).status).toBe(401);
        // first POST: a preview and a confirmation code; nothing started
        const sweepRun = () => env.client.workflow.getHandle(`sweep-${monthKey(Date.now())}`).describe().then((d) => d.runId, () => null);
        const before = await sweepRun();
        const preview = await post({});
        expect(preview.status).toBe(200);
        expect(preview.body).toMatchObject({ ok: true, confirm: { month: monthKey(Date.now()) } });
        expect(preview.body.confirm!.code).toMatch(/^[0-9a-f]{8}$/);
        expect(await sweepRun()).toBe(before);
        // a wrong code changes nothing
        expect(await post({ confirm: 'deadbeef' })).toMatchObject({ status: 409, body: { ok: false, error: 'bad_confirmation' } });
        // confirmed: the workflow's own rules refuse it (below the minimum), the month stays free
        const refused = await post({ confirm: preview.body.confirm!.code });
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ ok: false, error: 'sweep_refused', message: expect.stringMatching(/BELOW_WITHDRAWAL_MINIMUM/) });
        expect(claims(rig)).toHaveLength(0);
        // a code is used once
        expect(await post({ confirm: preview.body.confirm!.code })).toMatchObject({ status: 409, body: { error: 'bad_confirmation' } });

        // more profit: 15 % of 1100 = 165 USD, ~0.063 PAXG: swept through the button
        profit(rig, '1000', 'more-profit');
        const again = await post({});
        const done = await post({ confirm: again.body.confirm!.code });
        expect(done.status).toBe(200);
        expect(done.body).toMatchObject({ ok: true, sweep: { state: 'done' } });
        expect(D(done.body.sweep!.paxg!).gt('0.06')).toBe(true);
        expect(claims(rig)).toHaveLength(1);
        // the month is used up now: refused with the reason
        const third = await post({});
        expect(await post({ confirm: third.body.confirm!.code })).toMatchObject({ status: 409, body: { error: 'sweep_refused', message: expect.stringMatching(/already ran/) } });
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rig.close();
    }
  }, 90_000);
});
