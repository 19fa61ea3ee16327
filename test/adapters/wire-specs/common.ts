/**
 * Shared parts of the written descriptions of each venue's real wire format (facts from real
 * recorded sessions, issue #18). The simulator's messages are checked against these, not the
 * other way round: a spec states what the venue sends, never what the simulator happens to do.
 */

/** A share of a count, with the tolerance a seeded run of a few hundred messages must meet. */
export interface Share { min: number; max: number }

export function within(x: number, s: Share): boolean {
  return x >= s.min && x <= s.max;
}

/** Problems found in one message: empty when it matches the spec. */
export type Problems = string[];

export function checkPattern(problems: Problems, where: string, value: unknown, re: RegExp): void {
  if (typeof value !== 'string' || !re.test(value)) problems.push(`${where}: ${JSON.stringify(value)} does not match ${String(re)}`);
}

export function checkKeys(problems: Problems, where: string, obj: object, keys: readonly string[]): void {
  const got = Object.keys(obj);
  if (got.join(',') !== keys.join(',')) problems.push(`${where}: keys ${got.join(',')} where the venue sends ${keys.join(',')}`);
}
