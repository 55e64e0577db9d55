export * from './types';
export { slugifyBranch } from './slugifyBranch';
export { pullRequestGeneratorParams } from './pullRequestGeneratorParams';
export { parsePreviewNameTemplate } from './parsePreviewNameTemplate';
export { validatePreviewNameTemplate } from './validatePreviewNameTemplate';
export { renderPreviewName } from './renderPreviewName';
export { matchPreviewName } from './matchPreviewName';
export { ingressUrls } from './ingressUrls';
export { discoverPreviews } from './discoverPreviews';
