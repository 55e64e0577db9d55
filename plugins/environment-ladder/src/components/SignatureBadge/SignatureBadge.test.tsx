import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import type { DigestSignature } from '@environment-ladder/plugin-environment-ladder-common';
import { RungSignatures } from './SignatureBadge';

const digest = (n: number) => `sha256:${String(n).repeat(64)}`;
const verdict = (
  n: number,
  overrides: Partial<DigestSignature>,
): DigestSignature => ({
  digest: digest(n),
  repository: 'ghcr.io/acme/inventory',
  status: 'signed',
  signer: { kind: 'key', name: 'ci-2026' },
  format: 'cosign-signature',
  summary: 'signed by ci-2026',
  details: ['cosign signature verified with the trusted key ci-2026'],
  checkedAt: '2026-12-05T09:00:00.000Z',
  ...overrides,
});

describe('RungSignatures', () => {
  it("shows each digest's verdict as the server decided it, the details on hover", async () => {
    await renderInTestApp(
      <RungSignatures
        rung={{
          name: 'prod',
          signatures: {
            requirement: 'required',
            digests: [
              verdict(1, {}),
              verdict(2, {
                status: 'unsigned',
                signer: null,
                format: null,
                summary: 'unsigned',
                details: ['No cosign signature and no Sigstore bundle'],
              }),
              verdict(3, {
                status: 'unavailable',
                signer: null,
                format: null,
                summary: 'could not check: registry unavailable',
                details: ['Ghcr.io answered 429 Too Many Requests'],
              }),
            ],
          },
        }}
      />,
    );
    expect(screen.getByText('Signatures (required here)')).toBeInTheDocument();
    expect(screen.getByTestId(`signature-${digest(1)}`)).toHaveAttribute(
      'data-status',
      'signed',
    );
    expect(
      screen.getByLabelText('1111111: signed by ci-2026'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('2222222: unsigned')).toBeInTheDocument();
    expect(
      screen.getByLabelText('3333333: could not check: registry unavailable'),
    ).toBeInTheDocument();

    fireEvent.mouseOver(screen.getByTestId(`signature-${digest(3)}`));
    expect(
      await screen.findByText('Ghcr.io answered 429 Too Many Requests'),
    ).toBeInTheDocument();
  });

  it("says digests with the same verdict on one line, each one's details on hover", async () => {
    const unavailable = (n: number) =>
      verdict(n, {
        status: 'unavailable',
        signer: null,
        format: null,
        summary: 'could not check: registry unavailable',
        details: [`Ghcr.io answered 429 for ${n}`],
      });
    await renderInTestApp(
      <RungSignatures
        rung={{
          name: 'prod',
          signatures: {
            requirement: 'required',
            digests: [unavailable(1), verdict(2, {}), unavailable(3)],
          },
        }}
      />,
    );
    const line = screen.getByLabelText(
      '1111111, 3333333: could not check: registry unavailable',
    );
    expect(line).toHaveAttribute('data-digests', `${digest(1)} ${digest(3)}`);
    expect(screen.getByLabelText('2222222: signed by ci-2026')).toBeVisible();
    expect(screen.queryByTestId(`signature-${digest(3)}`)).toBeNull();

    fireEvent.mouseOver(line);
    expect(await screen.findByText('Ghcr.io answered 429 for 1')).toBeVisible();
    expect(screen.getByText('Ghcr.io answered 429 for 3')).toBeVisible();
  });

  it('ends a word too long for the card with an ellipsis, and keeps the words whole', async () => {
    const subject =
      'acme/checkout/.github/workflows/release.yml@refs/heads/main';
    await renderInTestApp(
      <RungSignatures
        rung={{
          name: 'staging',
          signatures: {
            requirement: 'required',
            digests: [
              verdict(1, {
                signer: { kind: 'identity', name: 'checkout-release' } as any,
                summary: `signed by workflow ${subject} via keyless`,
              }),
            ],
          },
        }}
      />,
    );
    const badge = screen.getByTestId(`signature-${digest(1)}`);
    expect(badge).toHaveTextContent(
      `signed by workflow ${subject} via keyless`,
    );
    const long = screen.getByText(subject);
    expect(long.tagName).toBe('SPAN');
    expect(getComputedStyle(long).textOverflow).toBe('ellipsis');
    expect(
      getComputedStyle(screen.getByText(/via keyless/)).textOverflow,
    ).not.toBe('ellipsis');
  });

  it("names a preview's digest by its pull request", async () => {
    await renderInTestApp(
      <RungSignatures
        rung={{
          name: 'preview',
          previews: [{ digest: digest(4), prNumber: 41 } as any],
          signatures: { requirement: 'warn', digests: [verdict(4, {})] },
        }}
      />,
    );
    expect(
      screen.getByLabelText('PR #41: signed by ci-2026'),
    ).toBeInTheDocument();
  });

  it('shows nothing when the server checks no signatures', async () => {
    await renderInTestApp(<RungSignatures rung={{ name: 'dev' }} />);
    expect(screen.queryByText(/Signatures/)).toBeNull();
  });
});
