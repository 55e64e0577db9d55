import {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';

const labels = {
  app: 'checkout',
  tier: 'web',
  'backstage.io/kubernetes-id': 'checkout',
  replicas: '5',
};

const matches = (
  selector: string,
  l: Record<string, string> | undefined = labels,
) => matchesLabelSelector(l, parseLabelSelector(selector));

describe('parseLabelSelector', () => {
  it('parses every operator into requirements', () => {
    expect(
      parseLabelSelector('a=b, c==d,e!=f,g in (h, i),j notin (k),l,!m,n>1,o<2'),
    ).toEqual([
      { key: 'a', operator: '=', value: 'b' },
      { key: 'c', operator: '=', value: 'd' },
      { key: 'e', operator: '!=', value: 'f' },
      { key: 'g', operator: 'in', values: ['h', 'i'] },
      { key: 'j', operator: 'notin', values: ['k'] },
      { key: 'l', operator: 'exists' },
      { key: 'm', operator: 'doesNotExist' },
      { key: 'n', operator: 'gt', value: 1 },
      { key: 'o', operator: 'lt', value: 2 },
    ]);
  });

  it('accepts prefixed keys and empty values', () => {
    expect(
      parseLabelSelector('backstage.io/kubernetes-id=checkout,x='),
    ).toEqual([
      { key: 'backstage.io/kubernetes-id', operator: '=', value: 'checkout' },
      { key: 'x', operator: '=', value: '' },
    ]);
  });

  it('reads empty elements of a set as the empty value', () => {
    expect(parseLabelSelector('a in (b,,c)')).toEqual([
      { key: 'a', operator: 'in', values: ['b', '', 'c'] },
    ]);
    expect(parseLabelSelector('a notin ()')).toEqual([
      { key: 'a', operator: 'notin', values: [''] },
    ]);
  });

  it('treats an empty selector as matching everything', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('   ')).toEqual([]);
    expect(matches('')).toBe(true);
  });

  it.each([
    ['a b', /expected: '=', '!=', '==', 'in', 'notin'/],
    ['a=b c', /expected: ',' or 'end of string'/],
    ['=b', /expected: identifier/],
    ['a in b', /expected: '\('/],
    ['a in (b', /expected: ',' or '\)'/],
    ['a=b,', /expected: identifier/],
    ['!a=b', /expected: ',' or 'end of string'/],
    ['a>b', /must be an integer/],
    ['-bad-=x', /name part must consist/],
    ['Bad_Prefix/x=y', /prefix part/],
    ['a=has space in (x)', /expected: ',' or 'end of string'/],
    ['a=-bad-', /a valid label must be an empty string/],
  ])('rejects %j', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });
});

describe('matchesLabelSelector', () => {
  it('equality (= and ==)', () => {
    expect(matches('app=checkout')).toBe(true);
    expect(matches('app==checkout')).toBe(true);
    expect(matches('app=payments')).toBe(false);
    expect(matches('missing=x')).toBe(false);
  });

  it('inequality matches objects without the label too', () => {
    expect(matches('app!=payments')).toBe(true);
    expect(matches('app!=checkout')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
  });

  it('in and notin', () => {
    expect(matches('tier in (api, web)')).toBe(true);
    expect(matches('tier in (api)')).toBe(false);
    expect(matches('missing in (x)')).toBe(false);
    expect(matches('tier notin (api)')).toBe(true);
    expect(matches('tier notin (api,web)')).toBe(false);
    expect(matches('missing notin (x)')).toBe(true);
  });

  it('existence and non-existence', () => {
    expect(matches('tier')).toBe(true);
    expect(matches('missing')).toBe(false);
    expect(matches('!missing')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matchesLabelSelector(undefined, parseLabelSelector('!tier'))).toBe(
      true,
    );
  });

  it('gt and lt compare integers', () => {
    expect(matches('replicas>4')).toBe(true);
    expect(matches('replicas<5')).toBe(false);
    expect(matches('app>1')).toBe(false);
  });

  it('ANDs comma-separated requirements', () => {
    expect(matches('app=checkout,tier in (web),!missing')).toBe(true);
    expect(matches('app=checkout,tier=api')).toBe(false);
  });

  it('reads malformed labels as no labels and never inherited keys', () => {
    const parsed = parseLabelSelector('toString,!app');
    expect(matchesLabelSelector({}, parsed)).toBe(false);
    for (const bad of [null, 'app=x', ['app'], 42]) {
      expect(
        matchesLabelSelector(bad as any, parseLabelSelector('!app,app!=x')),
      ).toBe(true);
      expect(matchesLabelSelector(bad as any, parseLabelSelector('app'))).toBe(
        false,
      );
    }
  });
});
