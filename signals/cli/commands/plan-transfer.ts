import * as fs from 'node:fs';
import type { Command } from 'commander';
import { exchangeIdSchema, loadConfig, type AppConfig } from '../../../config';
import { effectiveEnv } from '../../../config/dotenv';
import type { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import { tryParseDecimal } from '../../../domain/money/parse';
import {
  ccxtCurrenciesSchema,
  describeTarget,
  networksFromCcxtCurrencies,
  planTransfer,
  transferDecisionToWire,
  type NetworkAvailability,
  type TransferDecision,
  type TransferTarget,
} from '../../../domain/transfer';
import type { ExchangeId } from '../../../domain/market';

/** Exit code for a well-formed request that has no acceptable plan (1 is bad input). */
export const EXIT_REFUSED = 2;

interface PlanTransferOptions {
  asset: string;
  amount: string;
  from: string;
  to: string;
  currencies?: string;
  priceUsd?: string;
  slippageUsd?: string;
  json?: boolean;
}

function decimalOption(name: string, value: string): Decimal {
  const r = tryParseDecimal(value);
  if (!r.ok) throw new Error(`--${name}: ${r.reason}`);
  return r.value;
}

function exchangeOption(name: string, value: string): ExchangeId {
  const r = exchangeIdSchema.safeParse(value);
  if (!r.success) throw new Error(`--${name}: "${value}" is not one of ${exchangeIdSchema.options.join(', ')}`);
  return r.data;
}

function readNetworks(file: string, asset: string, config: AppConfig): NetworkAvailability[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--currencies ${file}: ${(err as Error).message}`);
  }
  const parsed = ccxtCurrenciesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--currencies ${file}: ${issue.path.join('.')}: ${issue.message} (expected ccxt fetchCurrencies() output)`);
  }
  const networks = networksFromCcxtCurrencies(parsed.data, asset, config.networks);
  if (!networks) throw new Error(`--currencies ${file}: has no currency "${asset}"`);
  return networks;
}

/** USD price: given, or 1 for a stablecoin pegged to USD in coins.json; anything else must be told. */
function priceOf(asset: string, given: string | undefined, config: AppConfig): Decimal {
  if (given !== undefined) return decimalOption('price-usd', given);
  if (config.coins.stablecoins[asset] === 'USD') return decimalOption('price-usd', '1');
  throw new Error(`--price-usd is required for ${asset} (only USD stablecoins default to 1)`);
}

function printHuman(d: TransferDecision): void {
  const route = `${d.amount.toFixed()} ${d.asset} ${d.from} -> ${describeTarget(d.to)}`;
  if (d.status === 'planned') {
    console.log(`PLAN ${route} on ${d.networkName} (${d.network})`);
    console.log(`  fee ${formatDecimal(d.fee)} ${d.asset} ($${formatDecimal(d.feeUsd, 2)}), cost $${formatDecimal(d.costUsd, 2)} of budget $${formatDecimal(d.budgetUsd, 2)}`);
    console.log(`  receiver gets ${formatDecimal(d.receives)} ${d.asset} in ~${d.arrivesInMinutes} min${d.alternatives.length ? `; also possible: ${d.alternatives.join(', ')}` : ''}`);
  } else {
    console.log(`REFUSED ${route}: ${d.code}: ${d.reason}`);
  }
  for (const r of d.rejected) console.log(`  not ${r.network}: ${r.code}: ${r.reason}`);
}

/** `qbot plan-transfer`: which network a transfer would use, and what it would cost, or why not. */
export function registerPlanTransferCommands(program: Command): void {
  program
    .command('plan-transfer')
    .description('plan a transfer between exchanges: the cheapest safe shared network, or the reason there is none')
    .requiredOption('--asset <code>', 'asset to move, e.g. USDT')
    .requiredOption('--amount <decimal>', 'amount that leaves the sender (the fee comes out of it)')
    .requiredOption('--from <exchange>', 'sending exchange')
    .requiredOption('--to <exchange|cold-wallet>', 'receiving exchange, or cold-wallet')
    .option('--currencies <FROM.json,TO.json>', "ccxt fetchCurrencies() output of the sender and the receiver (offline planning)")
    .option('--price-usd <decimal>', 'USD price of the asset (default 1 for USD stablecoins)')
    .option('--slippage-usd <decimal>', 'slippage of the conversions this transfer depends on', '0')
    .option('--json', 'print the plan as JSON (amounts as decimal strings)')
    .action((opts: PlanTransferOptions) => {
      const asset = opts.asset.toUpperCase();
      const amount = decimalOption('amount', opts.amount);
      const from = exchangeOption('from', opts.from);
      const to: TransferTarget = opts.to === 'cold-wallet' ? { kind: 'cold-wallet' } : { kind: 'exchange', exchange: exchangeOption('to', opts.to) };
      const slippage = decimalOption('slippage-usd', opts.slippageUsd ?? '0');
      if (slippage.isNegative()) throw new Error('--slippage-usd: must be 0 or more');
      if (!opts.currencies) {
        throw new Error('live network data comes from the exchange adapters (not wired into this command yet): pass --currencies FROM.json,TO.json');
      }
      const files = opts.currencies.split(',');
      if (files.length !== 2 || files.some((f) => f.trim() === '')) throw new Error('--currencies: give two files, FROM.json,TO.json');
      const config = loadConfig({ env: effectiveEnv() });
      const decision = planTransfer({
        asset,
        amount,
        from,
        to,
        senderNetworks: readNetworks(files[0]!, asset, config),
        receiverNetworks: readNetworks(files[1]!, asset, config),
        assetPriceUsd: priceOf(asset, opts.priceUsd, config),
        conversionSlippageUsd: slippage,
        rules: config.settings.transfers,
        catalogue: config.networks,
      });
      if (opts.json) console.log(JSON.stringify(transferDecisionToWire(decision)));
      else printHuman(decision);
      process.exitCode = decision.status === 'planned' ? 0 : EXIT_REFUSED;
    });
}
