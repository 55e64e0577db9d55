/**
 * A health label for a preview, in Argo CD's vocabulary.
 *
 * @public
 */
export type PreviewHealth =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Missing'
  | 'Unknown';

/**
 * Something wrong with a preview, explained in a sentence.
 *
 * @public
 */
export interface PreviewFlag {
  rule: 'preview-outlived-pr' | 'preview-uses-production-values';
  message: string;
}

/**
 * One preview environment: what a single open pull request got deployed to.
 *
 * @public
 */
export interface PreviewEnvironment {
  /** The cluster the preview was found in, when the caller said. */
  cluster?: string;
  /** The namespace the preview runs in ('' when its Application names none). */
  namespace: string;
  /** The Argo CD Application that deploys it, if one was found. */
  applicationName: string | null;
  prNumber: number | null;
  /** The pull request's head branch as written, when it could be recovered. */
  branch: string | null;
  /** The branch as the generator's `branch_slug` spells it. */
  branchSlug: string | null;
  /** The full head SHA when known; else the short form that a name or label carried. */
  headSha: string | null;
  prUrl: string | null;
  /** `unknown` unless the caller passed the pull request's state. */
  prState: 'open' | 'closed' | 'merged' | 'unknown';
  title: string | null;
  digest: string | null;
  health: PreviewHealth;
  /** The earliest known creation time of the preview's Application, namespace or workloads (ISO 8601). */
  createdAt: string | null;
  urls: string[];
  flags: PreviewFlag[];
}

/**
 * The parameters that Argo CD's ApplicationSet pull-request generator gives a template.
 *
 * `labels` exists only for ApplicationSets with `goTemplate: true`. Generator `values`
 * appear as `values.<key>` with fasttemplate and as a `values` map with Go templates.
 */
export interface PullRequestGeneratorParams {
  /** The pull request number, as a decimal string. */
  number: string;
  title: string;
  branch: string;
  branch_slug: string;
  target_branch: string;
  target_branch_slug: string;
  head_sha: string;
  /** The first 8 characters of `head_sha` (all of it when shorter). */
  head_short_sha: string;
  /** The first 7 characters of `head_sha` (all of it when shorter). */
  head_short_sha_7: string;
  author: string;
  labels?: string[];
  values?: Record<string, string>;
  [valuesKey: `values.${string}`]: string;
}

/** A pull request as the SCM provider reports it, the generator's input. */
export interface PullRequestGeneratorInput {
  number: number;
  branch: string;
  targetBranch: string;
  headSha: string;
  title?: string;
  author?: string;
  labels?: string[];
}

/** How a pull-request generator is set up in the ApplicationSet that uses it. */
export interface PullRequestGeneratorOptions {
  /** The ApplicationSet's `spec.goTemplate` (Argo CD's default is false). */
  goTemplate?: boolean;
  /** The ApplicationSet's `spec.goTemplateOptions`, e.g. `['missingkey=error']`. */
  goTemplateOptions?: string[];
  /** The generator's `values`, templated with the other parameters. */
  values?: Record<string, string>;
}

/**
 * A parsed name template: literal text and parameter references, in order.
 *
 * @public
 */
export type PreviewNameTemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'parameter'; name: string; source: string };

/**
 * Where the suite finds previews and how it reads a pull request back from them.
 *
 * @public
 */
export interface PreviewDiscoveryConfig {
  /**
   * The template the ApplicationSet names Applications or namespaces with, e.g.
   * `inventory-{{branch_slug}}-{{number}}`, `myapp-{{ branch }}-{{ number }}` or
   * `{{.branch}}-{{.number}}`.
   */
  nameTemplate?: string;
  /** Labels every preview Application or namespace carries (all must match). */
  labels?: Record<string, string>;
  /** Annotation (or label) keys that carry the pull request's parameters. */
  annotations?: { prNumber?: string; branch?: string; headSha?: string };
  /** E.g. `https://github.com/{{owner}}/{{repo}}/pull/{{number}}`. */
  prUrlTemplate?: string;
}

/**
 * What the suite observed in a namespace's workloads.
 *
 * @public
 */
export interface PreviewWorkloadSummary {
  digest: string | null;
  health: PreviewHealth;
  createdAt: string | null;
  /** Environment variable values of the workloads' containers, when read. */
  env?: Record<string, string>;
  /** The workloads' annotations, when read. */
  annotations?: Record<string, string>;
}

/**
 * What a pull request's SCM reports about it.
 *
 * @public
 */
export interface PreviewPullRequestState {
  state: 'open' | 'closed' | 'merged';
  title?: string;
}

/**
 * Everything `discoverPreviews` looks at; the Kubernetes objects are untrusted.
 *
 * @public
 */
export interface PreviewDiscoveryInput {
  config: PreviewDiscoveryConfig;
  namespaces: unknown[];
  applications: unknown[];
  applicationSets: unknown[];
  workloadsByNamespace: Record<string, PreviewWorkloadSummary>;
  ingresses: unknown[];
  pullRequests?: Record<number, PreviewPullRequestState>;
  /** The production rung's declared endpoints and secrets source. */
  productionValues?: { endpoints?: string[]; secretsSource?: string };
  /** The repository: `{ owner, repo }`, `owner/repo` or its web URL. */
  prUrlBase?: { owner: string; repo: string } | string;
}
