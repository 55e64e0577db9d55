/**
 * The annotation keys the suite reads a pull request back from when the ladder config names
 * none: an ApplicationSet sets them with `managedNamespaceMetadata.annotations` (or on its
 * Applications), e.g. `preview.environment-ladder.io/pr-number: "{{number}}"`.
 */
export const DEFAULT_PREVIEW_ANNOTATIONS = {
  prNumber: 'preview.environment-ladder.io/pr-number',
  branch: 'preview.environment-ladder.io/branch',
  headSha: 'preview.environment-ladder.io/head-sha',
} as const;
