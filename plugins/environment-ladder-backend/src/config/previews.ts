import type { Config } from '@backstage/config';
import {
  parsePreviewNameTemplate,
  substituteTemplateParameters,
  validatePreviewNameTemplate,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { PreviewRungConfig } from '../config';
import { configError } from './configError';

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The parameters a preview name template may use besides the pull-request generator's. */
export const PREVIEW_TEMPLATE_PARAMETERS = ['entity'];

/**
 * Checks a preview name template: known parameters (`{{entity}}` included) and a name that
 * can be read back. Throws an Error saying what is wrong, without naming where it came from.
 */
export function checkPreviewNameTemplate(template: string): void {
  parsePreviewNameTemplate(template, PREVIEW_TEMPLATE_PARAMETERS);
  validatePreviewNameTemplate(
    substituteTemplateParameters(template, { entity: 'entity' }),
  );
}

/** Reads a rung's `previews`: what makes it a preview rung. */
export function readPreviews(rung: Config, parent: string): PreviewRungConfig {
  const key = `${parent}.previews`;
  let previews: Config;
  try {
    previews = rung.getConfig('previews');
  } catch (error) {
    throw configError(`${key}`, `${(error as Error).message}`);
  }
  const text = (name: string) => {
    try {
      const value = previews.getOptionalString(name);
      if (value !== undefined && value.trim() === '') {
        throw new Error('must not be empty');
      }
      return value;
    } catch (error) {
      throw configError(`${key}.${name}`, `${(error as Error).message}`);
    }
  };

  const nameTemplate = text('nameTemplate');
  if (nameTemplate !== undefined) {
    try {
      checkPreviewNameTemplate(nameTemplate);
    } catch (error) {
      throw configError(`${key}.nameTemplate`, `${(error as Error).message}`);
    }
  }

  const pullRequestUrlTemplate = text('pullRequestUrlTemplate');
  if (pullRequestUrlTemplate !== undefined) {
    const urlKey = `${key}.pullRequestUrlTemplate`;
    let parts;
    try {
      parts = parsePreviewNameTemplate(pullRequestUrlTemplate, [
        ...PREVIEW_TEMPLATE_PARAMETERS,
        'owner',
        'repo',
      ]);
    } catch (error) {
      throw configError(`${urlKey}`, `${(error as Error).message}`);
    }
    // The link is shown in the browser: only web links, and one per pull request.
    if (!/^https?:\/\/[^/{}\s]+/i.test(pullRequestUrlTemplate)) {
      throw configError(
        `${urlKey}`,
        `must start with http:// or https:// and a host`,
      );
    }
    if (!parts.some(p => p.kind === 'parameter' && p.name === 'number')) {
      throw configError(
        `${urlKey}`,
        `must use {{number}}, the pull request's number`,
      );
    }
  }

  // Label keys contain dots and slashes, which config paths cannot address: read the map whole.
  let labels: Record<string, string> | undefined;
  const rawLabels = previews.getOptional('labels');
  if (rawLabels !== undefined) {
    if (
      typeof rawLabels !== 'object' ||
      rawLabels === null ||
      Array.isArray(rawLabels)
    ) {
      throw configError(
        `${key}.labels`,
        `must be a map of label names to values`,
      );
    }
    labels = {};
    for (const [name, value] of Object.entries(rawLabels)) {
      if (
        !LABEL_KEY.test(name) ||
        typeof value !== 'string' ||
        !LABEL_VALUE.test(value)
      ) {
        throw configError(
          `${key}.labels`,
          `'${name}: ${String(value)}' is not a valid Kubernetes label`,
        );
      }
      labels[name] = value;
    }
  }

  let annotations: PreviewRungConfig['annotations'];
  if (previews.getOptional('annotations') !== undefined) {
    annotations = {};
    for (const name of ['prNumber', 'branch', 'headSha'] as const) {
      const value = text(`annotations.${name}`);
      if (value !== undefined) annotations[name] = value;
    }
  }

  return {
    ...(nameTemplate !== undefined ? { nameTemplate } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    ...(pullRequestUrlTemplate !== undefined ? { pullRequestUrlTemplate } : {}),
    productionValues: {},
  };
}
