/**
 * Binance spot as really sent: depth prices and quantities are always 8-decimal strings, in the
 * REST depth snapshot and the depthUpdate stream alike ("64167.51000000", "0.00934000"); trade
 * prints too. REST depth?limit=N answers up to N levels on a liquid pair.
 */
export const BINANCE_WIRE = {
  eightDecimals: /^\d+\.\d{8}$/,
  depthUpdateKeys: ['e', 'E', 's', 'U', 'u', 'b', 'a'] as const,
  tradeKeys: ['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M'] as const,
  /** A liquid pair fills the asked limit (up to the book's real depth). */
  restDepthFillsLimit: true,
} as const;
