import { Decimal } from '../../../../domain/money/decimal';
import type { OrderRequest } from '../../accounts/accounts';
import type { SimContext } from '../../context';

const DEC = /^\d+(\.\d+)?$/;

/** Binance POST /api/v3/order parameters to a simulator order request. */
export function parseOrderParams(p: Record<string, unknown>, ctx: SimContext): OrderRequest | { error: string; code: number } {
  const market = ctx.store.marketById('binance', String(p.symbol ?? ''));
  if (!market) return { error: 'Invalid symbol.', code: -1121 };
  const side = String(p.side ?? '').toLowerCase();
  if (side !== 'buy' && side !== 'sell') return { error: "Invalid value for parameter 'side'.", code: -1102 };
  const type = String(p.type ?? '').toUpperCase();
  if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') return { error: 'Unsupported order combination.', code: -1014 };
  const num = (k: string): Decimal | undefined | 'bad' => {
    if (p[k] === undefined) return undefined;
    const v = String(p[k]);
    return DEC.test(v) ? new Decimal(v) : 'bad';
  };
  const quantity = num('quantity');
  const quote = num('quoteOrderQty');
  const price = num('price');
  if (quantity === 'bad' || quote === 'bad' || price === 'bad') return { error: 'Illegal characters found in a parameter.', code: -1100 };
  if (type !== 'MARKET' && !price) return { error: "Mandatory parameter 'price' was not sent, was empty/null, or malformed.", code: -1102 };
  if (!quantity && !(type === 'MARKET' && quote)) return { error: "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.", code: -1102 };
  const tif = String(p.timeInForce ?? 'GTC').toUpperCase();
  if (type === 'LIMIT' && !['GTC', 'IOC', 'FOK'].includes(tif)) return { error: "Invalid value for parameter 'timeInForce'.", code: -1102 };
  const cid = p.newClientOrderId === undefined ? undefined : String(p.newClientOrderId);
  return {
    symbol: market.symbol, side, type: type === 'MARKET' ? 'market' : 'limit', timeInForce: type === 'MARKET' ? 'IOC' : (tif as 'GTC' | 'IOC' | 'FOK'),
    ...(quantity ? { amount: quantity } : {}), ...(quote && !quantity ? { quoteAmount: quote } : {}), ...(price && type !== 'MARKET' ? { price } : {}),
    ...(cid ? { clientOrderId: cid } : {}),
  };
}
