import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { DeliveryMetrics } from '@environment-ladder/plugin-environment-ladder-common';
import { screen, within } from '@testing-library/react';
import { ladderApiRef, type LadderApi } from '../../api';
import { DeliveryMetricsStrip, formatDuration } from './DeliveryMetricsStrip';

const HOUR = 60 * 60 * 1000;
const checkout = { kind: 'Component', namespace: 'default', name: 'checkout' };

const metrics: DeliveryMetrics = {
  period: {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    days: 30,
  },
  entityRefs: ['component:default/checkout'],
  deploymentFrequency: [
    { rung: 'dev', deployments: 12, perDay: 0.4 },
    { rung: 'staging', deployments: 4, perDay: 4 / 30 },
    { rung: 'prod', deployments: 2, perDay: 2 / 30 },
  ],
  leadTime: { rung: 'prod', count: 2, medianMs: 3.5 * HOUR, p90Ms: 4 * HOUR },
  changeFailureRate: { changes: 8, failures: 2, rate: 0.25 },
  timeToRestore: {
    count: 1,
    medianMs: 50 * 60_000,
    p90Ms: 50 * 60_000,
    unrestored: 1,
  },
};

function renderStrip(api: Partial<LadderApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[ladderApiRef, api]]}>
      <DeliveryMetricsStrip entityRef={checkout} />
    </TestApiProvider>,
  );
}

describe('DeliveryMetricsStrip', () => {
  it('shows the four figures the backend computed over 30 days', async () => {
    const getDeliveryMetrics = jest.fn().mockResolvedValue(metrics);
    await renderStrip({ getDeliveryMetrics });
    const strip = await screen.findByRole('region', {
      name: 'Delivery metrics',
    });
    expect(getDeliveryMetrics).toHaveBeenCalledWith(checkout, 30);
    expect(
      within(strip).getByText('Delivery, last 30 days'),
    ).toBeInTheDocument();
    expect(await within(strip).findByText('18')).toBeInTheDocument();
    expect(
      within(strip).getByText('dev 12 · staging 4 · prod 2'),
    ).toBeInTheDocument();
    expect(within(strip).getByText('Lead time to prod')).toBeInTheDocument();
    expect(within(strip).getByText('3.5 h')).toBeInTheDocument();
    expect(within(strip).getByText('25 %')).toBeInTheDocument();
    expect(
      within(strip).getByText('2 of 8 merged failed or rolled back'),
    ).toBeInTheDocument();
    expect(within(strip).getByText('50 min')).toBeInTheDocument();
    expect(
      within(strip).getByText('median of 1, 1 not restored yet'),
    ).toBeInTheDocument();
  });

  it('says the lead time from the commit where CI said which commit a digest came from', async () => {
    await renderStrip({
      getDeliveryMetrics: jest.fn().mockResolvedValue({
        ...metrics,
        leadTime: {
          ...metrics.leadTime,
          fromCommit: { count: 1, medianMs: 26 * HOUR, p90Ms: 26 * HOUR },
        },
      }),
    });
    expect(
      await screen.findByText(
        'median of 2, request to verified; 26 h from the commit (1)',
      ),
    ).toBeInTheDocument();
  });

  it('says nothing of the commit when no commit is known', async () => {
    await renderStrip({
      getDeliveryMetrics: jest.fn().mockResolvedValue({
        ...metrics,
        leadTime: {
          ...metrics.leadTime,
          fromCommit: { count: 0, medianMs: null, p90Ms: null },
        },
      }),
    });
    expect(
      await screen.findByText('median of 2, request to verified'),
    ).toBeInTheDocument();
  });

  it('shows dashes, not zeros, where there is nothing to measure', async () => {
    await renderStrip({
      getDeliveryMetrics: jest.fn().mockResolvedValue({
        ...metrics,
        leadTime: { rung: 'prod', count: 0, medianMs: null, p90Ms: null },
        changeFailureRate: { changes: 0, failures: 0, rate: null },
        timeToRestore: {
          count: 0,
          medianMs: null,
          p90Ms: null,
          unrestored: 0,
        },
      }),
    });
    expect(await screen.findByText('nothing verified')).toBeInTheDocument();
    expect(screen.getAllByText('—')).toHaveLength(3);
    expect(screen.getByText('no failures')).toBeInTheDocument();
  });

  it('says quietly that the metrics could not be read, and nothing else', async () => {
    await renderStrip({
      getDeliveryMetrics: jest.fn().mockRejectedValue(new Error('boom')),
    });
    expect(
      await screen.findByText('The delivery metrics could not be read.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/boom/)).not.toBeInTheDocument();
  });
});

describe('formatDuration', () => {
  it.each<[number | null, string]>([
    [null, '—'],
    [10_000, '1 min'],
    [45 * 60_000, '45 min'],
    [90 * 60_000, '1.5 h'],
    [47 * HOUR, '47 h'],
    [72 * HOUR, '3 d'],
  ])('%p ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
