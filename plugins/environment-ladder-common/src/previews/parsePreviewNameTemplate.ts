import { PreviewNameTemplatePart } from './types';

/** The pull-request generator's scalar parameters, the ones a name can use. */
const GENERATOR_PARAMETERS = [
  'number',
  'title',
  'branch',
  'branch_slug',
  'target_branch',
  'target_branch_slug',
  'head_sha',
  'head_short_sha',
  'head_short_sha_7',
  'author',
];

/**
 * The literal text and parameter references of a name template, in either of the
 * ApplicationSet template styles (`{{branch}}`, `{{ branch }}`, `{{.branch}}`, `{{- .branch -}}`).
 * Throws an Error naming the first unknown parameter or unsupported expression.
 *
 * @public
 */
export function parsePreviewNameTemplate(
  template: string,
  extraParameters: readonly string[] = [],
): PreviewNameTemplatePart[] {
  const parts: PreviewNameTemplatePart[] = [];
  const pushText = (text: string) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') {
      last.text += text;
    } else {
      parts.push({ kind: 'text', text });
    }
  };
  const known = [...GENERATOR_PARAMETERS, ...extraParameters];

  let at = 0;
  let trimLeadingSpace = false;
  for (;;) {
    const start = template.indexOf('{{', at);
    let text = template.slice(at, start < 0 ? undefined : start);
    if (trimLeadingSpace) text = text.replace(/^\s+/, '');
    if (start < 0) {
      pushText(text);
      return parts;
    }
    const end = template.indexOf('}}', start + 2);
    if (end < 0) {
      throw new Error(
        `Template "${template}" has a "{{" at position ${start} without a closing "}}"`,
      );
    }
    let inner = template.slice(start + 2, end);
    const source = `{{${inner}}}`;
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    trimLeadingSpace = /\s-$/.test(inner);
    if (trimLeadingSpace) inner = inner.slice(0, -1);
    pushText(text);

    const expression = inner.trim();
    const name = expression.startsWith('.') ? expression.slice(1) : expression;
    if (!/^[A-Za-z_]\w*(\.[^\s{}|()]+)?$/.test(name)) {
      throw new Error(
        `Template "${template}" uses "${source}", which is not a plain parameter reference; ` +
          `use one of ${known.map(p => `{{${p}}}`).join(', ')}`,
      );
    }
    if (name === 'labels') {
      throw new Error(
        `Template "${template}" uses parameter "labels", which is a list and cannot be part of a name`,
      );
    }
    if (!name.startsWith('values.') && !known.includes(name)) {
      throw new Error(
        `Template "${template}" uses unknown parameter "${name}"; ` +
          `the pull-request generator provides ${known.join(
            ', ',
          )} and values.<key>`,
      );
    }
    parts.push({ kind: 'parameter', name, source });
    at = end + 2;
  }
}
