import { parsePreviewNameTemplate } from './parsePreviewNameTemplate';
import { PullRequestGeneratorParams } from './types';

/** A name template filled in with a pull request's generator parameters, as the ApplicationSet would. */
export function renderPreviewName(
  template: string,
  params: Partial<PullRequestGeneratorParams>,
): string {
  return parsePreviewNameTemplate(template)
    .map(part => {
      if (part.kind === 'text') {
        return part.text;
      }
      const lookup = params as Record<string, unknown>;
      let value = lookup[part.name];
      if (value === undefined && part.name.startsWith('values.')) {
        value = params.values?.[part.name.slice('values.'.length)];
      }
      if (typeof value !== 'string') {
        throw new Error(
          `Cannot render "${template}": parameter "${part.name}" has no value`,
        );
      }
      return value;
    })
    .join('');
}
