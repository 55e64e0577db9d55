import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';

// Parsing and matching are the common package's (see its
// kubernetes/labelSelector.test.ts); here only what the API server adds.
describe('label selectors', () => {
  it('delegates to the common parser and matcher', () => {
    const requirements = parseLabelSelector(
      'backstage.io/kubernetes-id=checkout,tier in (web),!canary',
    );
    expect(requirements).toEqual([
      { key: 'backstage.io/kubernetes-id', operator: '=', value: 'checkout' },
      { key: 'tier', operator: 'in', values: ['web'] },
      { key: 'canary', operator: 'doesNotExist' },
    ]);
    expect(
      matchesLabels(requirements, {
        'backstage.io/kubernetes-id': 'checkout',
        tier: 'web',
      }),
    ).toBe(true);
    expect(matchesLabels(requirements, { tier: 'web' })).toBe(false);
    expect(matchesLabels(parseLabelSelector('!tier'), undefined)).toBe(true);
  });

  it('throws SelectorError, which becomes a 400 Status, for a bad selector', () => {
    expect(() => parseLabelSelector('a b')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a b')).toThrow(
      "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', 'notin'",
    );
  });
});

describe('parseFieldSelector', () => {
  const supported = ['metadata.name', 'metadata.namespace', 'status.phase'];
  const pod = {
    metadata: { name: 'checkout-1', namespace: 'shop' },
    status: { phase: 'Running' },
  };
  const fieldMatches = (selector: string, object: unknown = pod) =>
    matchesFields(parseFieldSelector(selector, supported), object);

  it('supports =, == and !=', () => {
    expect(fieldMatches('metadata.name=checkout-1')).toBe(true);
    expect(fieldMatches('metadata.name==checkout-2')).toBe(false);
    expect(fieldMatches('metadata.namespace!=shop')).toBe(false);
    expect(fieldMatches('metadata.namespace!=other,status.phase=Running')).toBe(
      true,
    );
  });

  it('compares missing fields as empty strings', () => {
    expect(
      fieldMatches('metadata.namespace=', { metadata: { name: 'x' } }),
    ).toBe(true);
  });

  it('unescapes \\, \\= and \\\\ in values', () => {
    expect(
      parseFieldSelector('metadata.name=a\\,b\\=c\\\\d', supported)[0].value,
    ).toBe('a,b=c\\d');
  });

  it('rejects unsupported fields and malformed terms', () => {
    expect(() => parseFieldSelector('spec.foo=x', supported)).toThrow(
      'field label not supported: spec.foo',
    );
    expect(() => parseFieldSelector('metadata.name', supported)).toThrow(
      /can't understand 'metadata.name'/,
    );
    expect(() => parseFieldSelector('metadata.name=a=b', supported)).toThrow(
      SelectorError,
    );
  });
});
