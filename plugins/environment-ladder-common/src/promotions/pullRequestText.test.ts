import { V1, V2 } from './__fixtures__/ladder';
import { pullRequestText } from './pullRequestText';

const input = {
  entityRef: 'component:default/shop',
  entityUrl: 'https://backstage.acme.example/catalog/default/component/shop',
  sourceEnvironment: 'staging',
  targetEnvironment: 'prod',
  digest: V2,
  since: '2026-11-20T10:00:00.000Z',
  rolloutState: 'Healthy',
  verdicts: [
    {
      rule: 'target-is-known',
      passed: true,
      message: 'prod is a rung of the ladder',
    },
    {
      rule: 'gate',
      passed: true,
      message: 'prod needs a reviewed pull request and a manual approval',
    },
  ],
  reason: 'Release 1.4 with the checkout fix',
  requestedBy: 'user:default/jane',
};

describe('pullRequestText', () => {
  it('names the branch and title after the entity, target and digest', () => {
    const { branch, title } = pullRequestText(input);
    expect(branch).toBe('environment-ladder/shop/prod-b2b2b2b2b2b2');
    expect(title).toBe('Promote shop to prod: sha256:b2b2b2b2b2b2');
  });

  it('keeps entities of other namespaces apart', () => {
    expect(
      pullRequestText({ ...input, entityRef: 'component:payments/shop' })
        .branch,
    ).toBe('environment-ladder/payments/shop/prod-b2b2b2b2b2b2');
  });

  it('writes the evidence and a link back to the entity', () => {
    expect(pullRequestText(input).body).toBe(
      [
        '## Promote shop to prod',
        '',
        'This pull request changes only the image digest of shop in the prod manifest. The same digest already runs in staging.',
        '',
        '| | |',
        '| --- | --- |',
        '| Entity | [component:default/shop](https://backstage.acme.example/catalog/default/component/shop) |',
        `| Digest | \`${V2}\` |`,
        '| From | staging, running it since 2026-11-20T10:00:00.000Z |',
        '| Rollout in staging | Healthy |',
        '| To | prod |',
        '| Requested by | user:default/jane |',
        '',
        '### Reason',
        '',
        '> Release 1.4 with the checkout fix',
        '',
        '### Rules checked',
        '',
        '- ✅ **target-is-known**: prod is a rung of the ladder',
        '- ✅ **gate**: prod needs a reviewed pull request and a manual approval',
        '',
        '---',
        'Opened by the Environment Ladder for [shop](https://backstage.acme.example/catalog/default/component/shop). Its ledger follows this promotion until it runs verified in prod.',
        '',
      ].join('\n'),
    );
  });

  it('escapes free text so that it cannot inject markup or mention anyone', () => {
    const { body } = pullRequestText({
      ...input,
      // eslint-disable-next-line no-script-url
      entityUrl: 'javascript:alert(1)',
      reason:
        'ping @acme/everyone <img src=x onerror=alert(1)>\n| a | b |\n[click](https://evil.example)',
    });
    expect(body).toContain(
      '> ping @\u200bacme/everyone \\<img src=x onerror=alert\\(1\\)\\>',
    );
    expect(body).toContain('> \\| a \\| b \\|');
    expect(body).toContain('> \\[click\\]\\(https://evil.example\\)');
    // eslint-disable-next-line no-script-url
    expect(body).not.toContain('javascript:');
    expect(body).toContain('| Entity | component:default/shop |');
  });

  it('says when facts are missing', () => {
    const { body } = pullRequestText({
      ...input,
      since: null,
      reason: '  ',
      verdicts: [],
      entityUrl: undefined,
    });
    expect(body).toContain('| From | staging |');
    expect(body).toContain('> (no reason given)');
    expect(body).toContain('- (no rules were recorded)');
  });

  it('refuses what cannot name a branch', () => {
    expect(() => pullRequestText({ ...input, digest: 'sha256:abc' })).toThrow(
      'Refusing digest',
    );
    expect(() =>
      pullRequestText({ ...input, targetEnvironment: 'prod us' }),
    ).toThrow('Cannot name a branch after the target rung "prod us"');
    expect(() =>
      pullRequestText({ ...input, entityRef: 'component:default/a/b' }),
    ).toThrow('Cannot read the entity reference');
  });

  it('says a rollback is one: its own branch, title and body', () => {
    const text = pullRequestText({
      ...input,
      kind: 'rollback',
      sourceEnvironment: 'prod',
      digest: V1,
      replacing: [V2],
      reason: 'Checkout errors since 1.5 @oncall',
    });
    expect(text.branch).toBe(
      'environment-ladder/shop/prod-rollback-a1a1a1a1a1a1',
    );
    expect(text.title).toBe('Roll back shop in prod to sha256:a1a1a1a1a1a1');
    expect(text.body).toContain('## Roll back shop in prod');
    expect(text.body).toContain(`| Back to | \`${V1}\` |`);
    expect(text.body).toContain(`| Rolls back | \`${V2}\` |`);
    expect(text.body).toContain('> Checkout errors since 1.5 @\u200boncall');
    expect(text.body).not.toContain('The same digest already runs');
  });
});
