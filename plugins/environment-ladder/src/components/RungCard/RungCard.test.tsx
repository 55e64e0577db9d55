import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import type { LadderRung } from '@environment-ladder/plugin-environment-ladder-common';
import { RungDetails } from '../RungDetails';
import { RungCard } from './RungCard';

const D = `sha256:${'4'.repeat(64)}`;

const previewRung: LadderRung = {
  name: 'preview',
  title: 'Previews',
  kind: 'preview',
  observed: true,
  digest: null,
  digests: [D],
  since: null,
  replicas: { ready: 2, desired: 2 },
  workloads: [],
  rollouts: [],
  comparedToBelow: null,
  declared: { scale: '1 replica', endpoints: ['Ephemeral Ingress'] },
  observedValues: null,
  violations: [
    {
      rule: 'preview-outlived-pr',
      severity: 'warning',
      rung: 'preview',
      message:
        'Preview of PR #38 (fix/stock-race) outlived its pull request: …',
    },
  ],
  error: null,
  previews: [41, 38].map(prNumber => ({
    cluster: 'previews',
    namespace: `inventory-${prNumber}`,
    applicationName: null,
    prNumber,
    branch: `branch-${prNumber}`,
    branchSlug: `branch-${prNumber}`,
    headSha: null,
    prUrl: null,
    prState: 'unknown' as const,
    title: null,
    digest: D,
    health: 'Healthy' as const,
    createdAt: null,
    urls: [],
    flags:
      prNumber === 38
        ? [
            {
              rule: 'preview-outlived-pr' as const,
              message: 'Gone from the ApplicationSet.',
            },
          ]
        : [],
  })),
};

const now = new Date('2025-06-02T12:00:00Z');
const ladderOf = (rung: LadderRung) => ({
  entityRef: 'component:default/inventory',
  rungs: [rung],
  violations: rung.violations,
  generatedAt: now.toISOString(),
});

describe('RungCard and RungDetails of a preview rung', () => {
  it('sums the previews up on the card and lists them, flags on their rows, in the details', async () => {
    await renderInTestApp(
      <>
        <RungCard rung={previewRung} now={now} />
        <RungDetails
          id="details"
          ladder={ladderOf(previewRung)}
          rung={previewRung}
          now={now}
        />
      </>,
    );
    const card = within(screen.getByTestId('rung-preview'));
    expect(card.getByTestId('preview-summary-preview')).toHaveTextContent(
      '2 previews · 1 flagged',
    );
    // The rung's own digest chips would repeat the rows.
    expect(card.queryByTestId('digest-preview')).not.toBeInTheDocument();
    expect(card.queryByTestId('preview-41')).not.toBeInTheDocument();

    const details = within(screen.getByTestId('details-preview'));
    expect(details.getByTestId('preview-41')).toBeInTheDocument();
    expect(details.getByTestId('preview-flag-38')).toHaveTextContent(
      'PR #38 is no longer open: tear this preview down. Gone from the ApplicationSet.',
    );
  });

  it('shows the error of a preview rung instead of its previews', async () => {
    const broken: LadderRung = {
      ...previewRung,
      error: {
        cluster: '',
        message:
          'The annotation environment-ladder.io/preview-name-template is not usable',
      },
    };
    await renderInTestApp(
      <>
        <RungCard rung={broken} now={now} />
        <RungDetails
          id="details"
          ladder={ladderOf(broken)}
          rung={broken}
          now={now}
        />
      </>,
    );
    expect(screen.getByTestId('rung-preview')).toHaveTextContent(
      'Cannot be read',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'preview-name-template',
    );
    expect(screen.queryByTestId('preview-41')).not.toBeInTheDocument();
  });
});

describe('RungCard of a frozen rung', () => {
  it('says until when and why, with the instant machine-readable', async () => {
    const prod: LadderRung = {
      ...previewRung,
      name: 'prod',
      title: 'Prod',
      kind: undefined,
      previews: undefined,
      violations: [],
    };
    await renderInTestApp(
      <RungCard
        rung={prod}
        now={now}
        freeze={{ reason: 'Weekend freeze', until: '2025-06-09T06:00:00.000Z' }}
      />,
    );
    const freeze = screen.getByTestId('freeze-prod');
    expect(freeze).toHaveTextContent(/^Frozen until .+: Weekend freeze$/);
    expect(freeze.querySelector('time')).toHaveAttribute(
      'datetime',
      '2025-06-09T06:00:00.000Z',
    );
  });

  it('says nothing of freezes when none is in force', async () => {
    await renderInTestApp(
      <RungCard
        rung={{ ...previewRung, name: 'prod' }}
        now={now}
        freeze={null}
      />,
    );
    expect(screen.queryByTestId('freeze-prod')).not.toBeInTheDocument();
  });
});
