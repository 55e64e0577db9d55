import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { configError, readingKey } from './configError';

/** A required string at `parent.key`. */
export function readString(
  config: Config,
  key: string,
  parent: string,
): string {
  return readingKey(`${parent}.${key}`, () => config.getString(key));
}

/** An optional list of non-empty strings at `parent.key`; empty when absent. */
export function readStringList(
  config: Config,
  key: string,
  parent: string,
): string[] {
  return readingKey(`${parent}.${key}`, () => {
    const list = config.getOptionalStringArray(key) ?? [];
    list.forEach((value, index) => {
      if (value.trim() === '') {
        throw new Error(`entry ${index} is empty`);
      }
    });
    return list;
  });
}

/**
 * A duration given as `{ seconds: 5 }` or `'5s'`, longer than zero (or zero too, with
 * `allowZero`, where zero turns something off); `fallback` when absent.
 */
export function readPositiveDuration(
  config: Config,
  key: string,
  path: string,
  fallback: number,
  options: { allowZero?: boolean } = {},
): number {
  if (!config.has(key)) {
    return fallback;
  }
  const milliseconds = readingKey(path, () =>
    durationToMilliseconds(
      typeof config.getOptional(key) === 'string'
        ? readDurationFromConfig(config, { key })
        : readDurationFromConfig(config.getConfig(key)),
    ),
  );
  if (options.allowZero ? !(milliseconds >= 0) : !(milliseconds > 0)) {
    throw configError(
      path,
      options.allowZero ? 'must be zero or longer' : 'must be longer than zero',
    );
  }
  return milliseconds;
}
