import type { Digest, LadderRung } from '../types';

/** A digest shortened for sentences: `sha256:` and the first 12 hex characters, then an ellipsis. */
export function shortDigest(digest: Digest): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/** The name a sentence uses for a rung: its title when set, else its name. */
export function rungLabel(rung: Pick<LadderRung, 'name' | 'title'>): string {
  return rung.title || rung.name;
}

/** A user-supplied value made safe to quote in a message: JSON-quoted, at most 80 characters. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
