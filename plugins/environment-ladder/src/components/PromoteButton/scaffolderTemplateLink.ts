import { useRouteRef } from '@backstage/core-plugin-api';
import { useCallback } from 'react';
import { scaffolderTemplateRouteRef } from '../../routes';

/** The "Promote a release" template of the demo's catalog (examples/templates). */
export const PROMOTE_TEMPLATE = {
  namespace: 'default',
  templateName: 'promote-a-release',
};

/** The values the template's form starts with. */
export interface PromoteTemplateValues {
  entityRef: string;
  targetEnvironment: string;
  digest?: string;
}

/**
 * The query that fills in the template's form: the scaffolder reads the
 * initial form data from the `formData` query parameter as JSON.
 */
export function promoteFormQuery(values: PromoteTemplateValues): string {
  const formData = {
    entity: values.entityRef,
    targetEnvironment: values.targetEnvironment,
    ...(values.digest && { digest: values.digest }),
  };
  return `formData=${encodeURIComponent(JSON.stringify(formData))}`;
}

/**
 * A function from form values to the link of the "Promote a release"
 * template, or undefined when the app bound no scaffolder route.
 */
export function useScaffolderTemplateLink():
  | ((values: PromoteTemplateValues) => string)
  | undefined {
  const templateRoute = useRouteRef(scaffolderTemplateRouteRef);
  const link = useCallback(
    (values: PromoteTemplateValues) =>
      `${templateRoute!(PROMOTE_TEMPLATE)}?${promoteFormQuery(values)}`,
    [templateRoute],
  );
  return templateRoute ? link : undefined;
}
