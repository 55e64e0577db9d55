import { isError, ResponseError } from '@backstage/errors';

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
      return message;
    }
  }
  return isError(error) ? error.message : String(error);
}
