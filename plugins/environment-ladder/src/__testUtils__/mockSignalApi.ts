import type { SignalApi } from '@backstage/plugin-signals-react';

type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/**
 * The signal API as the signals plugin provides it, minus the WebSocket:
 * `publish` delivers a message to the current subscribers of a channel.
 */
export function mockSignalApi() {
  const subscribers = new Map<string, Set<(message: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe<TMessage extends JsonObject = JsonObject>(
      channel: string,
      onMessage: (message: TMessage) => void,
    ) {
      const forChannel = subscribers.get(channel) ?? new Set();
      subscribers.set(channel, forChannel);
      const handler = onMessage as (message: JsonObject) => void;
      forChannel.add(handler);
      return { unsubscribe: () => forChannel.delete(handler) };
    },
  };
  return {
    api,
    /** Sends a fresh message object, as each WebSocket message is. */
    publish(channel: string, message: JsonObject) {
      for (const handler of subscribers.get(channel) ?? []) {
        handler({ ...message });
      }
    },
    subscribedChannels: () =>
      [...subscribers].filter(([, set]) => set.size > 0).map(([c]) => c),
  };
}
