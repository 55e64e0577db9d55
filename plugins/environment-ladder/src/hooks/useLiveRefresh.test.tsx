import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { TestApiProvider } from '@backstage/test-utils';
import {
  ladderSignalChannel,
  OVERVIEW_SIGNAL_CHANNEL,
} from '@environment-ladder/plugin-environment-ladder-common';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ladderApiRef } from '../api';
import { ladder } from '../__fixtures__/ladder';
import { mockSignalApi } from '../__testUtils__/mockSignalApi';
import { useLadder } from './useLadder';
import { useLadderOverview } from './useLadderOverview';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const CHANNEL = ladderSignalChannel('component:default/checkout');
const overview = { rungs: [], rows: [], generatedAt: '2026-12-05T09:00:00Z' };

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', {
    configurable: true,
    get: () => hidden,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('live refresh through signals', () => {
  beforeEach(() => setHidden(false));
  afterEach(() => setHidden(false));

  function renderLadder(signals: ReturnType<typeof mockSignalApi>) {
    const getLadder = jest.fn().mockResolvedValue(ladder);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider
        apis={[
          [ladderApiRef, { getLadder }],
          [signalApiRef, signals.api],
        ]}
      >
        <EntityProvider entity={entity}>{children}</EntityProvider>
      </TestApiProvider>
    );
    const hook = renderHook(() => useLadder({ refreshMs: 40 }), { wrapper });
    return { getLadder, hook };
  }

  it("refetches the tab's ladder on its entity's signal, and does not poll", async () => {
    const signals = mockSignalApi();
    const { getLadder, hook } = renderLadder(signals);
    await waitFor(() => expect(hook.result.current.value).toEqual(ladder));
    expect(signals.subscribedChannels()).toEqual([CHANNEL]);
    // Ten polling periods pass: with signals, nothing is read again.
    await sleep(400);
    expect(getLadder).toHaveBeenCalledTimes(1);

    act(() => signals.publish(CHANNEL, { type: 'ladder-changed' }));
    await waitFor(() => expect(getLadder).toHaveBeenCalledTimes(2));
    act(() => signals.publish(CHANNEL, { type: 'promotion-changed' }));
    await waitFor(() => expect(getLadder).toHaveBeenCalledTimes(3));
    // Another entity's signal is no business of this tab.
    act(() =>
      signals.publish(ladderSignalChannel('component:default/payments'), {
        type: 'ladder-changed',
      }),
    );
    await sleep(200);
    expect(getLadder).toHaveBeenCalledTimes(3);
    expect(getLadder).toHaveBeenLastCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
  });

  it('reads after a signal that arrives during a read', async () => {
    const signals = mockSignalApi();
    let release: () => void = () => {};
    const getLadder = jest
      .fn()
      .mockResolvedValueOnce(ladder)
      .mockImplementationOnce(
        () => new Promise(resolve => (release = () => resolve(ladder))),
      )
      .mockResolvedValue(ladder);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider
        apis={[
          [ladderApiRef, { getLadder }],
          [signalApiRef, signals.api],
        ]}
      >
        <EntityProvider entity={entity}>{children}</EntityProvider>
      </TestApiProvider>
    );
    renderHook(() => useLadder(), { wrapper });
    await waitFor(() => expect(getLadder).toHaveBeenCalledTimes(1));
    act(() => signals.publish(CHANNEL, { type: 'ladder-changed' }));
    await waitFor(() => expect(getLadder).toHaveBeenCalledTimes(2));
    // The second read hangs; a change signalled now must not be lost.
    act(() => signals.publish(CHANNEL, { type: 'ladder-changed' }));
    await waitFor(() => expect(getLadder).toHaveBeenCalledTimes(3));
    act(() => release());
  });

  it('keeps a signal that arrives while the page is hidden until it is shown', async () => {
    const signals = mockSignalApi();
    const { getLadder, hook } = renderLadder(signals);
    await waitFor(() => expect(hook.result.current.value).toEqual(ladder));

    act(() => setHidden(true));
    act(() => signals.publish(CHANNEL, { type: 'ladder-changed' }));
    await sleep(200);
    expect(getLadder).toHaveBeenCalledTimes(1);

    act(() => setHidden(false));
    await waitFor(() => expect(getLadder).toHaveBeenCalledTimes(2));
    // Shown again without a missed signal: no read.
    act(() => setHidden(true));
    act(() => setHidden(false));
    await sleep(200);
    expect(getLadder).toHaveBeenCalledTimes(2);
  });

  it('refetches the overview on the overview signal', async () => {
    const signals = mockSignalApi();
    const getOverview = jest.fn().mockResolvedValue(overview);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider
        apis={[
          [ladderApiRef, { getOverview }],
          [signalApiRef, signals.api],
        ]}
      >
        {children}
      </TestApiProvider>
    );
    const hook = renderHook(
      () =>
        useLadderOverview({ system: 'system:default/shop' }, { refreshMs: 40 }),
      { wrapper },
    );
    await waitFor(() => expect(hook.result.current.value).toEqual(overview));
    expect(signals.subscribedChannels()).toEqual([OVERVIEW_SIGNAL_CHANNEL]);
    await sleep(300);
    expect(getOverview).toHaveBeenCalledTimes(1);
    act(() =>
      signals.publish(OVERVIEW_SIGNAL_CHANNEL, { type: 'ladder-changed' }),
    );
    await waitFor(() => expect(getOverview).toHaveBeenCalledTimes(2));
    expect(getOverview).toHaveBeenLastCalledWith({
      system: 'system:default/shop',
    });
  });

  it('polls the overview without signals, and not while hidden', async () => {
    const getOverview = jest.fn().mockResolvedValue(overview);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[ladderApiRef, { getOverview }]]}>
        {children}
      </TestApiProvider>
    );
    renderHook(() => useLadderOverview({}, { refreshMs: 40 }), { wrapper });
    await waitFor(() =>
      expect(getOverview.mock.calls.length).toBeGreaterThanOrEqual(3),
    );
    act(() => setHidden(true));
    const whileHidden = getOverview.mock.calls.length;
    await sleep(300);
    expect(getOverview.mock.calls.length).toBeLessThanOrEqual(whileHidden + 1);
  });
});
