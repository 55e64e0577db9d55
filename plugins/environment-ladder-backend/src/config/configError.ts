import { InputError } from '@backstage/errors';

/**
 * The one way a config reader refuses a value: an InputError naming the key's full path,
 * so that start-up fails with something a platform owner can fix without guessing.
 * `missing` words it as a required value that is absent.
 */
export function configError(
  key: string,
  problem: string,
  options: { missing?: boolean } = {},
): InputError {
  return new InputError(
    `${
      options.missing ? 'Missing required config value' : 'Invalid config value'
    } at '${key}': ${problem}`,
  );
}

/** Runs a reader step, turning whatever it throws into a {@link configError} for `key`. */
export function readingKey<T>(key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw configError(key, (error as Error).message);
  }
}
