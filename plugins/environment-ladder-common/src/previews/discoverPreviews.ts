import { asRecord } from './asRecord';
import { comparePreviews } from './comparePreviews';
import { ingressUrls } from './ingressUrls';
import { matchPreviewName } from './matchPreviewName';
import { parsePreviewNameTemplate } from './parsePreviewNameTemplate';
import { renderPreviewName } from './renderPreviewName';
import { slugifyBranch } from './slugifyBranch';
import { validatePreviewNameTemplate } from './validatePreviewNameTemplate';
import {
  PreviewDiscoveryInput,
  PreviewEnvironment,
  PreviewFlag,
  PreviewHealth,
  PullRequestGeneratorParams,
} from './types';

type Params = Partial<Record<string, string>>;
type StringMap = Record<string, string>;

/** An ApplicationSet with a pull-request generator, reduced to what discovery needs. */
interface PreviewApplicationSet {
  name: string;
  namespace?: string;
  nameTemplate?: string;
  namespaceTemplate?: string;
  revisionTemplate?: string;
  helmParameterTemplates: Array<{ name: string; template: string }>;
  /** The Applications it manages, or null when its status cannot say (absent or truncated). */
  listed: Set<string> | null;
  github?: { owner: string; repo: string; webBase: string };
}

interface ApplicationInfo {
  object: Record<string, unknown>;
  name: string;
  namespace?: string;
  destinationNamespace: string;
  labels: StringMap;
  annotations: StringMap;
  owner?: { appSet: PreviewApplicationSet; by: 'ownerReference' | 'template' };
  configMatch: Params | null;
}

interface NamespaceInfo {
  name: string;
  labels: StringMap;
  annotations: StringMap;
  createdAt?: string;
  appSetMatches: Array<{ appSet: PreviewApplicationSet; params: Params }>;
  configMatch: Params | null;
}

const hasOwn = (object: object | undefined, key: PropertyKey) =>
  object !== undefined && Object.prototype.hasOwnProperty.call(object, key);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function stringMap(value: unknown): StringMap {
  const out: StringMap = {};
  for (const [key, item] of Object.entries(asRecord(value) ?? {})) {
    if (typeof item === 'string') out[key] = item;
  }
  return out;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.flatMap(item => (asRecord(item) ? [asRecord(item)!] : []))
    : [];
}

/** A template taken from an ApplicationSet, kept only when it can be read back. */
function readableTemplate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    validatePreviewNameTemplate(value);
    return value;
  } catch {
    return undefined;
  }
}

function safeMatch(template: string | undefined, name: string): Params | null {
  if (template === undefined) return null;
  try {
    return matchPreviewName(template, name) as Params | null;
  } catch {
    return null;
  }
}

function hasPullRequestGenerator(generators: unknown, depth = 0): boolean {
  return records(generators).some(
    generator =>
      asRecord(generator.pullRequest) !== undefined ||
      (depth < 3 &&
        ['matrix', 'merge'].some(kind =>
          hasPullRequestGenerator(
            asRecord(generator[kind])?.generators,
            depth + 1,
          ),
        )),
  );
}

function findGithubGenerator(
  generators: unknown,
  depth = 0,
): PreviewApplicationSet['github'] {
  for (const generator of records(generators)) {
    const github = asRecord(asRecord(generator.pullRequest)?.github);
    const owner = str(github?.owner);
    const repo = str(github?.repo);
    if (owner && repo) {
      const api = str(github?.api)?.replace(/\/+$/, '');
      // GitHub Enterprise: the API lives under the web host (optionally at /api/v3).
      const webBase =
        !api || /^https?:\/\/api\.github\.com$/.test(api)
          ? 'https://github.com'
          : api.replace(/\/api\/v3$/, '');
      return { owner, repo, webBase };
    }
    if (depth < 3) {
      for (const kind of ['matrix', 'merge']) {
        const nested = findGithubGenerator(
          asRecord(generator[kind])?.generators,
          depth + 1,
        );
        if (nested) return nested;
      }
    }
  }
  return undefined;
}

function sources(spec: Record<string, unknown> | undefined) {
  return [
    ...(asRecord(spec?.source) ? [asRecord(spec?.source)!] : []),
    ...records(spec?.sources),
  ];
}

function readApplicationSet(
  object: unknown,
): PreviewApplicationSet | undefined {
  const appSet = asRecord(object);
  const metadata = asRecord(appSet?.metadata);
  const name = str(metadata?.name);
  const spec = asRecord(appSet?.spec);
  if (!appSet || !name || !hasPullRequestGenerator(spec?.generators)) {
    return undefined;
  }
  const template = asRecord(spec?.template);
  const templateSpec = asRecord(template?.spec);
  const status = asRecord(appSet.status);
  let listed: Set<string> | null = null;
  if (Array.isArray(status?.resources)) {
    const resources = records(status!.resources).filter(
      resource =>
        resource.kind === undefined || resource.kind === 'Application',
    );
    const count = status!.resourcesCount;
    // Argo CD truncates the list on large ApplicationSets; a missing name then proves nothing.
    if (typeof count !== 'number' || count <= status!.resources.length) {
      listed = new Set(
        resources.flatMap(r => (str(r.name) ? [str(r.name)!] : [])),
      );
    }
  }
  return {
    name,
    namespace: str(metadata?.namespace),
    nameTemplate: readableTemplate(asRecord(template?.metadata)?.name),
    namespaceTemplate: readableTemplate(
      asRecord(templateSpec?.destination)?.namespace,
    ),
    revisionTemplate: sources(templateSpec)
      .map(source => readableTemplate(source.targetRevision))
      .find(Boolean),
    helmParameterTemplates: sources(templateSpec).flatMap(source =>
      records(asRecord(source.helm)?.parameters).flatMap(parameter => {
        const parameterName = str(parameter.name);
        const valueTemplate = readableTemplate(parameter.value);
        return parameterName && valueTemplate
          ? [{ name: parameterName, template: valueTemplate }]
          : [];
      }),
    ),
    listed,
    github: findGithubGenerator(spec?.generators),
  };
}

function labelsMatch(
  wanted: Record<string, string> | undefined,
  labels: StringMap,
): boolean {
  const entries = Object.entries(wanted ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function configuredKeys(input: PreviewDiscoveryInput): string[] {
  const keys = input.config.annotations ?? {};
  return [keys.prNumber, keys.branch, keys.headSha].filter(
    (key): key is string => typeof key === 'string' && key !== '',
  );
}

/** Parameters from the configured annotation keys (labels as a fallback). */
function annotatedParams(
  input: PreviewDiscoveryInput,
  annotations: StringMap,
  labels: StringMap,
): Params {
  const keys = input.config.annotations ?? {};
  const read = (key?: string) =>
    key ? annotations[key] || labels[key] || undefined : undefined;
  return {
    number: read(keys.prNumber)?.trim().replace(/^#/, ''),
    branch: read(keys.branch),
    head_sha: read(keys.headSha)?.trim().toLowerCase(),
  };
}

/** The first value each parameter has, in the order of the sources given. */
function mergeParams(...all: Array<Params | null | undefined>): Params {
  const merged: Params = {};
  for (const params of all) {
    for (const [key, value] of Object.entries(params ?? {})) {
      if (merged[key] === undefined && value !== undefined && value !== '') {
        merged[key] = value;
      }
    }
  }
  return merged;
}

function applicationParams(app: ApplicationInfo): Params[] {
  const found: Params[] = [];
  const guesses: Params[] = [];
  const appSet = app.owner?.appSet;
  if (appSet) {
    found.push(safeMatch(appSet.nameTemplate, app.name) ?? {});
    found.push(
      safeMatch(appSet.namespaceTemplate, app.destinationNamespace) ?? {},
    );
  }
  for (const source of sources(asRecord(app.object.spec))) {
    const revision = str(source.targetRevision);
    if (revision && appSet) {
      found.push(safeMatch(appSet.revisionTemplate, revision) ?? {});
    }
    // Without the ApplicationSet's template: a revision that is a full commit SHA is the head SHA.
    if (revision && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(revision)) {
      guesses.push({ head_sha: revision });
    }
    for (const parameter of records(asRecord(source.helm)?.parameters)) {
      const value = str(parameter.value);
      const template = appSet?.helmParameterTemplates.find(
        t => t.name === parameter.name,
      )?.template;
      if (value && template) {
        found.push(safeMatch(template, value) ?? {});
      }
      // A SHA-1 commit id as a whole value; 64 hex digits are more often an image digest.
      if (value && /^[0-9a-f]{40}$/.test(value)) {
        guesses.push({ head_sha: value });
      }
    }
  }
  return [...found, ...guesses];
}

/** A template with fixed text at one end at least, so that it cannot match just any name. */
function isAnchored(template: string | undefined): boolean {
  if (template === undefined) return false;
  const parts = parsePreviewNameTemplate(template);
  return parts[0]?.kind === 'text' || parts[parts.length - 1]?.kind === 'text';
}

function toHealth(status: unknown): PreviewHealth | undefined {
  switch (status) {
    case 'Healthy':
    case 'Progressing':
    case 'Degraded':
    case 'Missing':
    case 'Unknown':
      return status;
    // Paused part-way (e.g. a canary waiting for promotion): it will go on when resumed.
    case 'Suspended':
      return 'Progressing';
    default:
      return undefined;
  }
}

function earliest(timestamps: Array<string | null | undefined>): string | null {
  let best: { at: number; text: string } | null = null;
  for (const text of timestamps) {
    const at = typeof text === 'string' ? Date.parse(text) : NaN;
    if (!Number.isNaN(at) && (best === null || at < best.at)) {
      best = { at, text: text! };
    }
  }
  return best?.text ?? null;
}

function endpointHost(endpoint: string): string | undefined {
  const host = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/?#]*@)?([^/:?#\s]+)/i.exec(
    endpoint.trim(),
  )?.[1];
  return host ? host.toLowerCase().replace(/\.$/, '') : undefined;
}

function mentionsHost(text: string, host: string): boolean {
  const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The whole host, not a sub-domain of it and not a longer name that starts with it.
  return new RegExp(
    `(?:^|[^A-Za-z0-9.-])${escaped}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`,
    'i',
  ).test(text);
}

/** Every string an Application's sources set as values, with a label saying where. */
function applicationValues(app: ApplicationInfo): Array<[string, string]> {
  const values: Array<[string, string]> = [];
  const walk = (path: string, value: unknown, depth: number) => {
    if (typeof value === 'string') {
      values.push([`Helm value "${path}"`, value]);
    } else if (depth < 20 && Array.isArray(value)) {
      value.forEach((item, i) => walk(`${path}[${i}]`, item, depth + 1));
    } else if (depth < 20 && asRecord(value)) {
      for (const [key, item] of Object.entries(asRecord(value)!)) {
        walk(path ? `${path}.${key}` : key, item, depth + 1);
      }
    }
  };
  for (const source of sources(asRecord(app.object.spec))) {
    const helm = asRecord(source.helm);
    for (const parameter of records(helm?.parameters)) {
      if (typeof parameter.value === 'string') {
        const name = str(parameter.name) ?? '?';
        values.push([`Helm parameter "${name}"`, parameter.value]);
      }
    }
    if (typeof helm?.values === 'string') {
      values.push(['Helm values', helm.values]);
    }
    walk('', helm?.valuesObject, 0);
    for (const env of records(asRecord(source.plugin)?.env)) {
      if (typeof env.value === 'string') {
        values.push([`plugin env "${str(env.name) ?? '?'}"`, env.value]);
      }
    }
  }
  return values;
}

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * The preview environments (one per pull request) found in namespaces and Argo CD Applications,
 * with their pull request, health, URLs and flags, newest first.
 */
export function discoverPreviews(
  input: PreviewDiscoveryInput,
): PreviewEnvironment[] {
  const { config } = input;
  if (config.nameTemplate !== undefined) {
    validatePreviewNameTemplate(config.nameTemplate);
  }
  if (config.prUrlTemplate !== undefined) {
    parsePreviewNameTemplate(config.prUrlTemplate, ['owner', 'repo']);
  }
  const keys = configuredKeys(input);
  const carriesKeys = (annotations: StringMap, labels: StringMap) =>
    keys.some(key => annotations[key] || labels[key]);

  const appSets = records(input.applicationSets).flatMap(object => {
    const appSet = readApplicationSet(object);
    return appSet ? [appSet] : [];
  });
  const sameNamespace = (a?: string, b?: string) =>
    a === undefined || b === undefined || a === b;

  // Applications that are previews.
  const applications: ApplicationInfo[] = [];
  for (const object of records(input.applications)) {
    if (object.kind !== undefined && object.kind !== 'Application') continue;
    const metadata = asRecord(object.metadata);
    const name = str(metadata?.name);
    if (!name) continue;
    const namespace = str(metadata?.namespace);
    const labels = stringMap(metadata?.labels);
    const annotations = stringMap(metadata?.annotations);
    const ownerName = records(metadata?.ownerReferences).find(
      ref => ref.kind === 'ApplicationSet',
    )?.name;
    const ownedBy = appSets.find(
      a => a.name === ownerName && sameNamespace(a.namespace, namespace),
    );
    const templatedBy = ownerName
      ? undefined
      : appSets.find(
          a =>
            sameNamespace(a.namespace, namespace) &&
            isAnchored(a.nameTemplate) &&
            safeMatch(a.nameTemplate, name) !== null,
        );
    let owner: ApplicationInfo['owner'];
    if (ownedBy) owner = { appSet: ownedBy, by: 'ownerReference' };
    else if (templatedBy) owner = { appSet: templatedBy, by: 'template' };
    const configMatch = safeMatch(config.nameTemplate, name);
    if (
      owner ||
      configMatch ||
      labelsMatch(config.labels, labels) ||
      carriesKeys(annotations, labels)
    ) {
      applications.push({
        object,
        name,
        namespace,
        destinationNamespace:
          str(asRecord(asRecord(object.spec)?.destination)?.namespace) ?? '',
        labels,
        annotations,
        owner,
        configMatch,
      });
    }
  }

  // Namespaces, whether they are previews by themselves or the home of a preview Application.
  const namespaces = new Map<string, NamespaceInfo>();
  for (const object of records(input.namespaces)) {
    if (object.kind !== undefined && object.kind !== 'Namespace') continue;
    const metadata = asRecord(object.metadata);
    const name = str(metadata?.name);
    if (!name || namespaces.has(name)) continue;
    namespaces.set(name, {
      name,
      labels: stringMap(metadata?.labels),
      annotations: stringMap(metadata?.annotations),
      createdAt: str(metadata?.creationTimestamp),
      appSetMatches: appSets.flatMap(appSet => {
        const params = isAnchored(appSet.namespaceTemplate)
          ? safeMatch(appSet.namespaceTemplate, name)
          : null;
        return params ? [{ appSet, params }] : [];
      }),
      configMatch: safeMatch(config.nameTemplate, name),
    });
  }

  const groups = new Map<
    string,
    { namespace: string; apps: ApplicationInfo[]; ns?: NamespaceInfo }
  >();
  for (const app of applications) {
    // An Application without a destination namespace is a preview of its own.
    const key = app.destinationNamespace
      ? `ns:${app.destinationNamespace}`
      : `app:${app.namespace ?? ''}/${app.name}`;
    const group = groups.get(key) ?? {
      namespace: app.destinationNamespace,
      apps: [],
      ns: namespaces.get(app.destinationNamespace),
    };
    group.apps.push(app);
    groups.set(key, group);
  }
  for (const ns of namespaces.values()) {
    if (groups.has(`ns:${ns.name}`)) continue;
    if (
      ns.configMatch ||
      ns.appSetMatches.length > 0 ||
      labelsMatch(config.labels, ns.labels) ||
      carriesKeys(ns.annotations, ns.labels)
    ) {
      groups.set(`ns:${ns.name}`, { namespace: ns.name, apps: [], ns });
    }
  }

  const productionHosts = (input.productionValues?.endpoints ?? []).flatMap(
    endpoint => (endpointHost(endpoint) ? [endpointHost(endpoint)!] : []),
  );
  const secretsSource =
    input.productionValues?.secretsSource?.trim() || undefined;
  const ingresses = records(input.ingresses)
    .filter(ingress => ingress.kind === undefined || ingress.kind === 'Ingress')
    .sort((a, b) =>
      compareStrings(
        str(asRecord(a.metadata)?.name) ?? '',
        str(asRecord(b.metadata)?.name) ?? '',
      ),
    );

  const previews = [...groups.values()].map(group => {
    const { namespace, ns } = group;
    const apps = [...group.apps].sort(
      (a, b) =>
        Number(!a.configMatch) - Number(!b.configMatch) ||
        Number(!a.owner) - Number(!b.owner) ||
        compareStrings(a.name, b.name),
    );

    const params = mergeParams(
      ...apps.map(app => annotatedParams(input, app.annotations, app.labels)),
      ns && annotatedParams(input, ns.annotations, ns.labels),
      ...apps.map(app => app.configMatch),
      ns?.configMatch,
      ...apps.flatMap(applicationParams),
      ...(ns?.appSetMatches.map(m => m.params) ?? []),
    );
    const prNumber =
      params.number && /^\d+$/.test(params.number)
        ? Number(params.number)
        : null;
    const validPrNumber =
      prNumber !== null && Number.isSafeInteger(prNumber) && prNumber > 0
        ? prNumber
        : null;
    const branch = params.branch ?? null;
    const branchSlug =
      params.branch_slug ?? (branch !== null ? slugifyBranch(branch) : null);
    const headSha =
      params.head_sha ??
      params.head_short_sha ??
      params.head_short_sha_7 ??
      null;
    const pullRequest =
      validPrNumber !== null && hasOwn(input.pullRequests, validPrNumber)
        ? input.pullRequests![validPrNumber]
        : undefined;
    const prState = pullRequest?.state ?? 'unknown';

    const appSet =
      apps.find(app => app.owner)?.owner?.appSet ??
      ns?.appSetMatches[0]?.appSet;
    const prUrl = pullRequestUrl(input, appSet, validPrNumber, params);

    const workloads =
      namespace && hasOwn(input.workloadsByNamespace, namespace)
        ? input.workloadsByNamespace[namespace]
        : undefined;
    const appHealth = apps
      .map(app =>
        toHealth(asRecord(asRecord(app.object.status)?.health)?.status),
      )
      .find(Boolean);
    const health = workloads?.health ?? appHealth ?? 'Unknown';
    const createdAt = earliest([
      ...apps.map(app => str(asRecord(app.object.metadata)?.creationTimestamp)),
      ns?.createdAt,
      workloads?.createdAt,
    ]);

    const namespaceIngresses = namespace
      ? ingresses.filter(i => asRecord(i.metadata)?.namespace === namespace)
      : [];
    const urls = [...new Set(namespaceIngresses.flatMap(ingressUrls))];

    const flags: PreviewFlag[] = [];
    const where = [
      namespace ? `namespace ${namespace}` : undefined,
      apps.length > 0
        ? `Application ${apps.map(a => a.name).join(', ')}`
        : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    if (prState === 'closed' || prState === 'merged') {
      flags.push({
        rule: 'preview-outlived-pr',
        message: `Pull request #${validPrNumber} is ${prState}, but its preview still exists (${where}).`,
      });
    }
    for (const app of apps) {
      const owner = app.owner;
      if (!owner || owner.appSet.listed === null) continue;
      if (owner.appSet.listed.has(app.name)) continue;
      flags.push({
        rule: 'preview-outlived-pr',
        message:
          owner.by === 'ownerReference'
            ? `Application ${app.name} names ApplicationSet ${owner.appSet.name} as its owner, but the ApplicationSet no longer lists it in status.resources: it no longer generates it for an open pull request, yet the Application is still there.`
            : `Application ${app.name} has a name that ApplicationSet ${owner.appSet.name} generates, but the ApplicationSet does not list it in status.resources: no open pull request produces it any more, and nothing will delete it.`,
      });
    }
    if (apps.length === 0 && ns) {
      for (const { appSet: owner, params: nsParams } of ns.appSetMatches) {
        if (owner.listed === null) continue;
        let expected: string | undefined;
        try {
          expected = owner.nameTemplate
            ? renderPreviewName(
                owner.nameTemplate,
                mergeParams(
                  params,
                  nsParams,
                ) as Partial<PullRequestGeneratorParams>,
              )
            : undefined;
        } catch {
          expected = undefined;
        }
        if (expected !== undefined && owner.listed.has(expected)) continue;
        flags.push({
          rule: 'preview-outlived-pr',
          message: `Namespace ${ns.name} has the name ApplicationSet ${owner.name} gives preview namespaces, but no Application deploys into it and the ApplicationSet lists none for it in status.resources: it was left behind (Argo CD does not delete namespaces it created with CreateNamespace=true).`,
        });
      }
    }

    const production = new Set<string>();
    for (const ingress of namespaceIngresses) {
      const ingressName = str(asRecord(ingress.metadata)?.name) ?? '?';
      const spec = asRecord(ingress.spec);
      const hosts = [
        ...records(spec?.rules).map(rule => rule.host),
        ...records(spec?.tls).flatMap(tls =>
          Array.isArray(tls.hosts) ? tls.hosts : [],
        ),
      ].flatMap(host => (typeof host === 'string' ? [host.toLowerCase()] : []));
      for (const host of new Set(hosts)) {
        if (productionHosts.includes(host.replace(/\.$/, ''))) {
          production.add(
            `Ingress ${ingressName} in preview namespace ${namespace} serves ${host}, a production endpoint.`,
          );
        }
      }
    }
    const checkValues = (owner: string, values: Array<[string, string]>) => {
      for (const [label, value] of values) {
        for (const host of productionHosts) {
          if (mentionsHost(value, host)) {
            production.add(
              `${owner}: ${label} references the production endpoint ${host}.`,
            );
          }
        }
        if (secretsSource && value.includes(secretsSource)) {
          production.add(
            `${owner}: ${label} references the production secrets source "${secretsSource}".`,
          );
        }
      }
    };
    for (const app of apps) {
      checkValues(`Application ${app.name}`, applicationValues(app));
    }
    checkValues(`Workloads in namespace ${namespace}`, [
      ...Object.entries(workloads?.env ?? {}).map(
        ([name, value]): [string, string] => [`env ${name}`, value],
      ),
      ...Object.entries(workloads?.annotations ?? {}).map(
        ([name, value]): [string, string] => [`annotation ${name}`, value],
      ),
    ]);
    for (const message of production) {
      flags.push({ rule: 'preview-uses-production-values', message });
    }

    const preview: PreviewEnvironment = {
      namespace,
      applicationName: apps[0]?.name ?? null,
      prNumber: validPrNumber,
      branch,
      branchSlug,
      headSha,
      prUrl,
      prState,
      title: pullRequest?.title ?? null,
      digest: workloads?.digest ?? null,
      health,
      createdAt,
      urls,
      flags,
    };
    return preview;
  });

  // Newest first; previews without a creation time after the others, by pull request number.
  return previews.sort(comparePreviews);
}

function pullRequestUrl(
  input: PreviewDiscoveryInput,
  appSet: PreviewApplicationSet | undefined,
  prNumber: number | null,
  params: Params,
): string | null {
  if (prNumber === null) return null;
  const base = input.prUrlBase;
  let repository: { owner: string; repo: string } | undefined;
  let webUrl: string | undefined;
  if (typeof base === 'string') {
    const slug = /^([\w.-]+)\/([\w.-]+)$/.exec(base.trim());
    if (slug) repository = { owner: slug[1], repo: slug[2] };
    else if (/^https?:\/\//.test(base.trim())) {
      webUrl = base.trim().replace(/\/+$/, '');
      const path = /^https?:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(webUrl);
      if (path) repository = { owner: path[1], repo: path[2] };
    }
  } else if (base && base.owner && base.repo) {
    repository = { owner: base.owner, repo: base.repo };
  }
  if (!repository && !webUrl && appSet?.github) {
    repository = appSet.github;
    webUrl = `${appSet.github.webBase}/${appSet.github.owner}/${appSet.github.repo}`;
  }

  const template = input.config.prUrlTemplate;
  if (template !== undefined) {
    const values: Record<string, string | undefined> = {
      ...params,
      number: String(prNumber),
      owner: repository?.owner,
      repo: repository?.repo,
    };
    const parts = parsePreviewNameTemplate(template, ['owner', 'repo']);
    const rendered = parts.map(part =>
      part.kind === 'text' ? part.text : values[part.name],
    );
    return rendered.every(part => part !== undefined)
      ? rendered.join('')
      : null;
  }
  if (webUrl) return `${webUrl}/pull/${prNumber}`;
  if (repository) {
    return `https://github.com/${repository.owner}/${repository.repo}/pull/${prNumber}`;
  }
  return null;
}
