import { Decimal } from '../domain/money/decimal';

/**
 * Withdrawal networks of the paper venues, with fees and minimums in the asset's units, close to
 * what the real venues charge (late 2026). Paper mode only: live mode reads the venues' own
 * tables at execution time. BTC has no network here (networks.json lists none), so the money
 * manager says so instead of moving it.
 */
const D = (s: string) => new Decimal(s);
export const PAPER_NETWORKS: Record<string, Array<{ network: string; fee: Decimal; min: Decimal }>> = {
  USDT: [
    { network: 'TRC20', fee: D('1'), min: D('10') },
    { network: 'SOL', fee: D('0.5'), min: D('10') },
    { network: 'BEP20', fee: D('0.3'), min: D('10') },
  ],
  USDC: [
    { network: 'SOL', fee: D('0.5'), min: D('10') },
    { network: 'BASE', fee: D('0.2'), min: D('10') },
    { network: 'MATIC', fee: D('0.2'), min: D('10') },
  ],
  SOL: [{ network: 'SOL', fee: D('0.01'), min: D('0.1') }],
  ETH: [{ network: 'ERC20', fee: D('0.002'), min: D('0.01') }, { network: 'BASE', fee: D('0.0002'), min: D('0.01') }],
  PAXG: [{ network: 'ERC20', fee: D('0.005'), min: D('0.01') }],
};

/** The network PAXG (an ERC-20 token) goes to the cold wallet on. */
export const GOLD_NETWORK = 'ERC20';
