/**
 * What a live order costs in durable writes before and after it leaves: the in-flight record under
 * its client order id (state.sqlite, WAL + synchronous=FULL: fsynced) written before the request is
 * sent, and its removal once the answer is booked, through the real classes on a real file
 * (OrdersInFlight over StateStore, as LedgerBookedTrading uses them). Also the ledger's
 * order-attempt line (SqliteLedger, fsynced) that every order books. Microseconds per write.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { orderAttempt } from '../../adapters/persistence/ledger-entries';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { OrdersInFlight } from '../../adapters/persistence/orders-in-flight';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import type { OrderRequest } from '../../ports/trading';

export interface OrderStateWrites {
  /** Each fsynced state write (the in-flight record before the send, its removal after), µs. */
  writeUs: number[];
  /** Both state writes of one order, µs. */
  perOrderUs: number[];
  /** The ledger's order-attempt line, µs. */
  ledgerAttemptUs: number[];
  dir: string;
}

const usSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1000;

export function orderStateWrites(orders: number): OrderStateWrites {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-bench-state-'));
  const state = StateStore.open({ file: path.join(dir, 'state.sqlite') });
  const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
  const inFlight = new OrdersInFlight(state, 'binance');
  const out: OrderStateWrites = { writeUs: [], perOrderUs: [], ledgerAttemptUs: [], dir };
  try {
    for (let i = 0; i < orders + 20; i += 1) {
      const clientOrderId = `bench-${Date.now()}-${i}-buy`;
      const req: OrderRequest = { exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: new Decimal('0.01234'), price: new Decimal('64000.12'), clientOrderId, correlationId: `bench-${i}` };
      const t0 = process.hrtime.bigint();
      inFlight.sent(clientOrderId, req, Date.now());
      const sent = usSince(t0);
      const t1 = process.hrtime.bigint();
      ledger.append([orderAttempt({ exchange: 'binance', symbol: req.symbol, side: req.side, clientOrderId, correlationId: req.correlationId!, at: Date.now(), type: req.type, amount: req.amount, price: req.price!, mode: 'live' })]);
      const attempt = usSince(t1);
      const t2 = process.hrtime.bigint();
      inFlight.answered(clientOrderId);
      const answered = usSince(t2);
      // The first writes grow the files: warm-up, not counted.
      if (i < 20) continue;
      out.writeUs.push(sent, answered);
      out.perOrderUs.push(sent + answered);
      out.ledgerAttemptUs.push(attempt);
    }
  } finally {
    state.close();
    ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
