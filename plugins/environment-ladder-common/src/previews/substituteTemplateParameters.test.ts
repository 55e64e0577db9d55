import { substituteTemplateParameters } from './substituteTemplateParameters';

describe('substituteTemplateParameters', () => {
  it('fills the given parameters and keeps the others as written', () => {
    expect(
      substituteTemplateParameters('{{entity}}-{{ branch_slug }}-{{.number}}', {
        entity: 'shop',
      }),
    ).toBe('shop-{{ branch_slug }}-{{.number}}');
  });

  it('accepts extra parameters that stay in the template', () => {
    expect(
      substituteTemplateParameters(
        'https://github.com/{{owner}}/{{repo}}/pull/{{number}}?from={{entity}}',
        { entity: 'shop' },
        ['owner', 'repo'],
      ),
    ).toBe('https://github.com/{{owner}}/{{repo}}/pull/{{number}}?from=shop');
  });

  it('names an unknown parameter', () => {
    expect(() =>
      substituteTemplateParameters('{{service}}-{{number}}', {}),
    ).toThrow(/unknown parameter "service"/);
  });
});
