/** Where the scaffolder shows the "Promote a release" template (its default mount point is `/create`). */
export const PROMOTE_TEMPLATE_PATH =
  '/create/templates/default/promote-a-release';

/**
 * A link to the "Promote a release" template with its form filled in: the
 * scaffolder reads the initial form data from the `formData` query parameter
 * as JSON.
 */
export function scaffolderTemplateLink(values: {
  entityRef: string;
  targetEnvironment: string;
  digest?: string;
}): string {
  const formData = {
    entity: values.entityRef,
    targetEnvironment: values.targetEnvironment,
    ...(values.digest && { digest: values.digest }),
  };
  return `${PROMOTE_TEMPLATE_PATH}?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}
