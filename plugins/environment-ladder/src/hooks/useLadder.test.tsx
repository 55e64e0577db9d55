import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ladderApiRef } from '../api';
import { ladder } from '../__fixtures__/ladder';
import { useLadder } from './useLadder';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', {
    configurable: true,
    get: () => hidden,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('useLadder', () => {
  afterEach(() => setHidden(false));

  it('polls while visible, not while hidden, and catches up when shown', async () => {
    // jsdom calls every document hidden unless told otherwise.
    setHidden(false);
    const getLadder = jest.fn().mockResolvedValue(ladder);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[ladderApiRef, { getLadder }]]}>
        <EntityProvider entity={entity}>{children}</EntityProvider>
      </TestApiProvider>
    );
    renderHook(() => useLadder({ refreshMs: 40 }), { wrapper });
    await waitFor(() =>
      expect(getLadder.mock.calls.length).toBeGreaterThanOrEqual(3),
    );

    act(() => setHidden(true));
    const whileHidden = getLadder.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 300));
    // At most one read that was already under way when the tab was hidden.
    expect(getLadder.mock.calls.length).toBeLessThanOrEqual(whileHidden + 1);

    const beforeShown = getLadder.mock.calls.length;
    act(() => setHidden(false));
    await waitFor(() =>
      expect(getLadder.mock.calls.length).toBeGreaterThan(beforeShown),
    );
  });
});
