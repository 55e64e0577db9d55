import type { LadderRung } from '../types';

/** The name a sentence uses for a rung: its title when set, else its name. */
export function rungLabel(rung: Pick<LadderRung, 'name' | 'title'>): string {
  return rung.title || rung.name;
}

/** A user-supplied value made safe to quote in a message: JSON-quoted, at most 80 characters. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
