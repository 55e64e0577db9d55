import { isError, ResponseError } from '@backstage/errors';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * A message made fit for a reader: no stack trace, no server path, no ledger
 * id (the rule and the reason stay; those say what to do).
 */
export function readableMessage(message: string): string {
  return (
    message
      // A stack trace starts at its first "at ..." line.
      .split(/\n\s+at\s/)[0]
      .replace(/\(\s*[0-9a-f-]{36}\s*,\s*/gi, '(')
      .replace(new RegExp(`,?\\s*${UUID.source}`, 'gi'), '')
      // Absolute server paths such as /app/plugins/…/file.ts:12:3.
      .replace(/(^|[\s(])\/(?:[\w.-]+\/)+[\w.-]+(?::\d+)*/g, '$1')
      .replace(/\s+\)/g, ')')
      .trim()
  );
}

/**
 * What went wrong, in the backend's words: its message names the refused
 * rule, which the generic "Request failed with 409 Conflict" does not.
 */
export function describeRequestError(error: unknown): string {
  if (
    error instanceof ResponseError ||
    (isError(error) && error.name === 'ResponseError')
  ) {
    const response = error as ResponseError;
    const message = response.cause?.message || response.body?.error?.message;
    if (message) {
      return readableMessage(message);
    }
  }
  return readableMessage(isError(error) ? error.message : String(error));
}
