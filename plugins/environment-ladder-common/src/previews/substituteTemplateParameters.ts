import { parsePreviewNameTemplate } from './parsePreviewNameTemplate';

/**
 * A template with the given parameters filled in and every other parameter reference
 * left as written, e.g. `{{entity}}-{{branch_slug}}-{{number}}` with `{ entity: 'shop' }`
 * gives `shop-{{branch_slug}}-{{number}}`. Throws like `parsePreviewNameTemplate` on an
 * unknown parameter (the given names and `extraParameters` are known).
 *
 * @public
 */
export function substituteTemplateParameters(
  template: string,
  values: Record<string, string>,
  extraParameters: readonly string[] = [],
): string {
  return parsePreviewNameTemplate(template, [
    ...Object.keys(values),
    ...extraParameters,
  ])
    .map(part => {
      if (part.kind === 'text') return part.text;
      return Object.prototype.hasOwnProperty.call(values, part.name)
        ? values[part.name]
        : part.source;
    })
    .join('');
}
