/**
 * Distinctive secret values for the trust suite. Each reaches the backend the way it
 * does in production: through app-config.yaml's `${VARIABLE}` substitution from the
 * environment (see `startTrustBackend`), so that a leak of any of them, in any form, is
 * caught by `findSecrets`.
 */
export const SECRETS = {
  /** `kubernetes.clusterLocatorMethods[].clusters[].serviceAccountToken` of every cluster. */
  TRUST_CLUSTER_TOKEN: 'SECRET-CLUSTER-TOKEN-5f1c',
  /** `integrations.github[].token`; the GitHub stand-in accepts nothing else. */
  TRUST_GITHUB_TOKEN: 'SECRET-GITHUB-TOKEN-8b2d',
  /** `backend.database.connection.password` of the ledger's PostgreSQL connection. */
  TRUST_DB_PASSWORD: 'SECRET-ENV-DB-PASSWORD-3e7a',
  /** `backend.auth.keys[0].secret`: planted, read by nothing we own. */
  TRUST_BACKEND_SECRET: 'SECRET-ENV-BACKEND-KEY-a91c',
} as const;

/** Puts the secrets into the environment, as a deployment's secret store would. */
export function exportSecrets() {
  Object.assign(process.env, SECRETS);
}

/** Every form in which a secret could leave: as is, base64 (bare, and as Basic credentials). */
const FORMS = Object.entries(SECRETS).flatMap(([name, value]) => [
  { name, form: value },
  // The distinctive tail alone catches a truncated or re-cased copy of the value.
  { name, form: value.slice(value.indexOf('-') + 1).toLowerCase() },
  { name, form: Buffer.from(value).toString('base64') },
  { name, form: Buffer.from(`x-access-token:${value}`).toString('base64') },
  { name, form: Buffer.from(`${value}:`).toString('base64') },
]);

/** The names of the secrets found in a text, in any of their forms. */
export function findSecrets(text: string): string[] {
  const lower = text.toLowerCase();
  return [
    ...new Set(
      FORMS.filter(({ form }) =>
        form === form.toLowerCase()
          ? lower.includes(form)
          : text.includes(form),
      ).map(({ name }) => name),
    ),
  ];
}
