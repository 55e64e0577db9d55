import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PreviewEnvironment } from '@environment-ladder/plugin-environment-ladder-common';
import { PreviewList } from './PreviewList';

const NOW = new Date('2025-06-02T12:00:00Z');
const SHA = '8f5cd7857c7c794dc3308dfa3b9d24080f28ba3a';

const preview = (
  overrides: Partial<PreviewEnvironment> & { prNumber: number },
): PreviewEnvironment => ({
  cluster: 'previews',
  namespace: `inventory-pr-${overrides.prNumber}`,
  applicationName: `inventory-pr-${overrides.prNumber}`,
  branch: `feature/${overrides.prNumber}`,
  branchSlug: `feature-${overrides.prNumber}`,
  headSha: SHA,
  prUrl: `https://github.com/acme/inventory/pull/${overrides.prNumber}`,
  prState: 'unknown',
  title: null,
  digest: `sha256:${'b'.repeat(64)}`,
  health: 'Healthy',
  createdAt: '2025-06-01T12:00:00Z',
  urls: [`https://inventory-pr-${overrides.prNumber}.preview.bitvault.io/`],
  flags: [],
  ...overrides,
});

const open41 = preview({
  prNumber: 41,
  title: 'Bulk import of stock levels from CSV',
  branch: 'feature/bulk-import',
  prState: 'open',
  createdAt: '2025-05-29T08:17:08Z',
  urls: [
    'https://inventory-pr-41.preview.bitvault.io',
    'https://inventory-pr-41.preview.bitvault.io/',
    'Grafana|https://grafana.bitvault.io/d/inventory',
    // eslint-disable-next-line no-script-url -- a hostile link the list must drop
    'javascript:alert(1)',
  ],
});
const closed38 = preview({
  prNumber: 38,
  branch: 'fix/stock-race',
  prState: 'closed',
  health: 'Degraded',
  createdAt: '2025-05-12T10:05:55Z',
  flags: [
    {
      rule: 'preview-outlived-pr',
      message:
        'Pull request #38 is closed, but its preview still exists (namespace inventory-fix-stock-race-38).',
    },
  ],
});

describe('PreviewList', () => {
  it('lists each preview newest first with its PR, branch, head, links, digest, health and age', async () => {
    await renderInTestApp(
      <PreviewList previews={[closed38, open41]} now={NOW} />,
    );

    const rows = screen.getAllByTestId(/^preview-\d+$/);
    expect(rows.map(r => r.dataset.testid)).toEqual([
      'preview-41',
      'preview-38',
    ]);

    const row41 = within(screen.getByTestId('preview-41'));
    expect(
      row41.getByRole('link', { name: /^Pull request #41/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/inventory/pull/41');
    expect(
      row41.getByText('Bulk import of stock levels from CSV'),
    ).toBeInTheDocument();
    expect(row41.getByText('feature/bulk-import')).toBeInTheDocument();
    expect(row41.getByText('8f5cd78')).toBeInTheDocument();
    // One link per page, opening in a new tab; a non-web link is never rendered.
    const links = row41.getAllByTestId('preview-link-41');
    expect(
      links.map(l => [
        l.textContent,
        l.getAttribute('href'),
        l.getAttribute('target'),
      ]),
    ).toEqual([
      [
        'inventory-pr-41.preview.bitvault.io, Opens in a new window',
        'https://inventory-pr-41.preview.bitvault.io/',
        '_blank',
      ],
      [
        'Grafana, Opens in a new window',
        'https://grafana.bitvault.io/d/inventory',
        '_blank',
      ],
    ]);
    expect(row41.getByTestId('preview-digest-41')).toHaveAttribute(
      'data-digest',
      `sha256:${'b'.repeat(64)}`,
    );
    expect(row41.getByText('Healthy')).toBeInTheDocument();
    expect(row41.getByText('4d')).toBeInTheDocument();
    expect(screen.queryByTestId('preview-flag-41')).not.toBeInTheDocument();
  });

  it('marks a flagged preview and says what to do', async () => {
    await renderInTestApp(
      <PreviewList previews={[open41, closed38]} now={NOW} />,
    );
    expect(screen.getByTestId('preview-38')).toHaveAttribute(
      'data-flagged',
      'true',
    );
    expect(screen.getByTestId('preview-41')).not.toHaveAttribute(
      'data-flagged',
    );
    const flag = screen.getByTestId('preview-flag-38');
    expect(flag).toHaveTextContent(
      'PR #38 is closed: tear this preview down. Pull request #38 is closed, but its preview still exists (namespace inventory-fix-stock-race-38).',
    );
    expect(within(flag).getByLabelText('Flagged')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('preview-38')).getByText('Degraded'),
    ).toBeInTheDocument();
  });

  it('says "no longer open" when only the ApplicationSet tells, and names production values', async () => {
    await renderInTestApp(
      <PreviewList
        previews={[
          preview({
            prNumber: 7,
            flags: [
              {
                rule: 'preview-outlived-pr',
                message: 'The ApplicationSet no longer lists it.',
              },
              {
                rule: 'preview-uses-production-values',
                message:
                  'env DB_URL references the production endpoint db.bitvault.io.',
              },
            ],
          }),
        ]}
        now={NOW}
      />,
    );
    expect(screen.getByTestId('preview-flag-7')).toHaveTextContent(
      'PR #7 is no longer open: tear this preview down. The ApplicationSet no longer lists it.' +
        'The preview of PR #7 uses production values. env DB_URL references the production endpoint db.bitvault.io.',
    );
  });

  // Rendering 50 rows with tooltips and copy buttons is slow on a busy machine: 30 s.
  it('keeps 50 previews readable: the 10 newest first, all on demand', async () => {
    const many = Array.from({ length: 50 }, (_, i) =>
      preview({
        prNumber: i + 1,
        // PR n was opened n hours after the first.
        createdAt: new Date(
          Date.parse('2025-05-01T00:00:00Z') + i * 3600_000,
        ).toISOString(),
        flags:
          i + 1 === 3
            ? [
                {
                  rule: 'preview-outlived-pr',
                  message: 'Gone from the ApplicationSet.',
                },
              ]
            : [],
      }),
    );
    await renderInTestApp(<PreviewList previews={many} now={NOW} />);

    const shown = () =>
      screen
        .getAllByTestId(/^preview-\d+$/)
        .map(r => Number(r.dataset.testid!.slice(8)));
    expect(shown()).toEqual([50, 49, 48, 47, 46, 45, 44, 43, 42, 41]);
    expect(screen.queryByTestId('preview-flag-3')).not.toBeInTheDocument();

    const toggle = screen.getByRole('button', {
      name: 'Show all 50 previews (1 more flagged)',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(shown()).toHaveLength(50);
    expect(shown()[49]).toBe(1);
    expect(screen.getByTestId('preview-flag-3')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show the 10 newest' }),
    );
    expect(shown()).toHaveLength(10);
  }, 30_000);

  it('shows a preview without a pull request by its namespace, and says when there are none', async () => {
    const { unmount } = await renderInTestApp(
      <PreviewList
        previews={[
          preview({ prNumber: 1 }),
          {
            ...preview({ prNumber: 2 }),
            prNumber: null,
            prUrl: null,
            namespace: 'shop-x',
            urls: [],
          },
        ]}
        now={NOW}
      />,
    );
    expect(
      within(screen.getByTestId('preview-ns-shop-x')).getByText('shop-x'),
    ).toBeInTheDocument();
    unmount();

    await renderInTestApp(<PreviewList previews={[]} now={NOW} />);
    expect(
      screen.getByText('No previews: no pull request has one right now.'),
    ).toBeInTheDocument();
  });
});
