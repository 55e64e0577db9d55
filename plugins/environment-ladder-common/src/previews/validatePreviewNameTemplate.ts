import { parsePreviewNameTemplate } from './parsePreviewNameTemplate';

/**
 * Checks that a preview name template can be rendered and read back, throwing an Error that
 * names the unknown parameter, unsupported expression or ambiguity.
 *
 * @public
 */
export function validatePreviewNameTemplate(template: string): void {
  const parts = parsePreviewNameTemplate(template);
  if (!parts.some(part => part.kind === 'parameter')) {
    throw new Error(
      `Template "${template}" uses no parameter, so every pull request would get the same name; ` +
        `add e.g. {{number}}`,
    );
  }
  for (let i = 1; i < parts.length; i++) {
    const [before, after] = [parts[i - 1], parts[i]];
    if (before.kind === 'parameter' && after.kind === 'parameter') {
      throw new Error(
        `Template "${template}" puts parameters "${before.name}" and "${after.name}" next to each ` +
          `other, so a name cannot be split back into them; put a separator such as "-" between them`,
      );
    }
  }
}
