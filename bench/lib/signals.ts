/*
 * A Backstage signals subscriber in Node, as the frontend's SignalClient is:
 * a WebSocket to /api/signals with the user's token as its protocol, then
 * `{"action":"subscribe","channel":...}`; messages arrive as
 * `{"channel":...,"message":...}`. Node 22's global WebSocket: no dependency.
 */

export interface SignalSubscription {
  /**
   * Resolves with the time (performance.now()) of the next message on the
   * channel not yet taken: at once when one arrived since the last call.
   */
  next(timeoutMs: number): Promise<number | undefined>;
  /** Forgets messages not yet taken. */
  drain(): void;
  /** Messages received so far. */
  readonly received: number;
  close(): void;
}

export async function subscribe(
  base: string,
  token: string,
  channel: string,
): Promise<SignalSubscription> {
  const url = `${base.replace(/^http/, 'ws')}/api/signals`;
  const ws = new WebSocket(url, token);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener(
      'error',
      () => reject(new Error(`could not open ${url} (signals)`)),
      { once: true },
    );
  });
  ws.send(JSON.stringify({ action: 'subscribe', channel }));
  let received = 0;
  /** Arrival time of the newest message not yet taken by next(). */
  let pending: number | undefined;
  let waiting: ((at: number) => void) | undefined;
  ws.addEventListener('message', event => {
    try {
      const data = JSON.parse(String(event.data));
      if (data.channel !== channel) return;
    } catch {
      return;
    }
    received += 1;
    const at = performance.now();
    if (waiting) {
      waiting(at);
      waiting = undefined;
    } else {
      pending = at;
    }
  });
  return {
    get received() {
      return received;
    },
    drain() {
      pending = undefined;
    },
    next(timeoutMs) {
      if (pending !== undefined) {
        const at = pending;
        pending = undefined;
        return Promise.resolve(at);
      }
      return new Promise(resolve => {
        const timer = setTimeout(() => {
          waiting = undefined;
          resolve(undefined);
        }, timeoutMs);
        waiting = at => {
          clearTimeout(timer);
          resolve(at);
        };
      });
    },
    close() {
      ws.close();
    },
  };
}
