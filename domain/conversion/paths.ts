import type { Market } from '../market';

/** A candidate route: the markets to cross, in order, and the asset held after each. */
export interface ConversionPath {
  markets: Market[];
  assets: string[];
}

/**
 * Every simple path (no asset visited twice) from `from` to `to` over at most `maxHops` markets.
 * A path never revisits an asset, so a cycle that would only pay fees twice is not a candidate.
 */
export function findPaths(markets: readonly Market[], from: string, to: string, maxHops: number): ConversionPath[] {
  const byAsset = new Map<string, Market[]>();
  for (const m of markets) {
    for (const a of [m.base, m.quote]) {
      const list = byAsset.get(a) ?? [];
      list.push(m);
      byAsset.set(a, list);
    }
  }
  const out: ConversionPath[] = [];
  const walk = (asset: string, path: Market[], assets: string[]) => {
    if (path.length >= maxHops) return;
    for (const m of byAsset.get(asset) ?? []) {
      const next = m.base === asset ? m.quote : m.base;
      if (assets.includes(next)) continue;
      if (next === to) {
        out.push({ markets: [...path, m], assets: [...assets, next] });
        continue;
      }
      walk(next, [...path, m], [...assets, next]);
    }
  };
  walk(from, [], [from]);
  return out;
}
