import { ObjectStore } from './ObjectStore';
import {
  findResourceType,
  groupVersionOf,
  RESOURCE_TYPES,
  ResourceType,
  servedGroupVersions,
} from './resources';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';
import {
  badRequestStatus,
  failureStatus,
  notFoundStatus,
  pathNotFoundStatus,
} from './status';
import { KubeObject } from './types';

/** What a route answers; the server turns it into an HTTP response. */
export interface RouteResponse {
  code: number;
  /** Serialised as JSON unless it is a string. */
  body: unknown;
  contentType?: string;
  /** Set for a watch: the server streams its events instead of sending `body`. */
  watch?: WatchRequest;
}

/** A watch the server streams: what to send, from which resourceVersion. */
export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  /** Only objects these label requirements select. */
  matches: (object: KubeObject) => boolean;
  /** Resume after this resourceVersion; undefined sends the current objects first (as ADDED). */
  resourceVersion?: number;
  bookmarks: boolean;
  /** Closes the stream after this many seconds (the client's `timeoutSeconds`). */
  timeoutSeconds?: number;
}

/** A request for a resource, as the API server's request info parser reads it. */
export interface ResourceRequest {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

const json = (code: number, body: unknown): RouteResponse => ({ code, body });

/** Types whose objects have a `/status` subresource. */
const WITHOUT_STATUS = new Set([
  'configmaps',
  'secrets',
  'events',
  'endpoints',
  'serviceaccounts',
  'limitranges',
  'controllerrevisions',
  'ingressclasses',
  'networkpolicies',
  'analysistemplates',
  'clusteranalysistemplates',
  'appprojects',
]);

/**
 * Reads `/api/v1/...` and `/apis/<group>/<version>/...` paths into a resource
 * request; undefined for anything else (discovery, unknown paths).
 */
export function parseResourcePath(
  segments: string[],
): ResourceRequest | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  const isPlural = (p: string | undefined) =>
    p !== undefined && findResourceType(group, version, p) !== undefined;

  // namespaces/<ns>/<plural>[/<name>[/<subresource>]]
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    isPlural(rest[2]) &&
    findResourceType(group, version, rest[2])!.namespaced
  ) {
    if (rest.length > 5) {
      return undefined;
    }
    return {
      group,
      version,
      namespace: rest[1],
      plural: rest[2],
      name: rest[3],
      subresource: rest[4],
      watch,
    };
  }
  // <plural>[/<name>[/<subresource>]], including namespaces/<name>/status
  if (rest.length <= 3 && rest[0]) {
    return {
      group,
      version,
      plural: rest[0],
      name: rest[1],
      subresource: rest[2],
      watch,
    };
  }
  return undefined;
}

function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter(
    t => t.group === group && t.version === version,
  );
  const resources: Array<Record<string, unknown>> = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'list', 'watch'],
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    if (t.group !== 'metrics.k8s.io' && !WITHOUT_STATUS.has(t.plural)) {
      resources.push({
        name: `${t.plural}/status`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get'],
      });
    }
    if (t.plural === 'pods' && t.group === '') {
      resources.push({
        name: 'pods/log',
        singularName: '',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf({ group, version }),
    resources,
  };
}

function apiGroup(name: string) {
  const versions = servedGroupVersions()
    .filter(gv => gv.group === name)
    .map(gv => ({
      groupVersion: `${name}/${gv.version}`,
      version: gv.version,
    }));
  if (versions.length === 0) {
    return undefined;
  }
  // RESOURCE_TYPES lists the preferred version of a group first.
  return { name, versions, preferredVersion: versions[0] };
}

function apiGroupList() {
  const names = [...new Set(servedGroupVersions().map(gv => gv.group))].filter(
    Boolean,
  );
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: names.map(apiGroup),
  };
}

function rootPaths() {
  const paths = ['/api', '/api/v1', '/apis'];
  for (const gv of servedGroupVersions().filter(g => g.group)) {
    if (!paths.includes(`/apis/${gv.group}`)) {
      paths.push(`/apis/${gv.group}`);
    }
    paths.push(`/apis/${gv.group}/${gv.version}`);
  }
  paths.push('/healthz', '/livez', '/readyz', '/version');
  return { paths };
}

/** The `/version` answer; made up, and marked as such. */
export const VERSION_INFO = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.4+fixture',
  gitCommit: 'f1x7u2ec1u57e2f1x7u2ec1u57e2f1x7u2ec1u57',
  gitTreeState: 'clean',
  buildDate: '2024-08-14T19:29:36Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface ContinueToken {
  rv: string;
  start: number;
}

function decodeContinue(token: string): ContinueToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed?.rv === 'string' && Number.isInteger(parsed?.start)) {
      return parsed;
    }
  } catch {
    // falls through
  }
  return undefined;
}

function listObjects(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): RouteResponse {
  let items: KubeObject[] = store.list(type, namespace);
  try {
    const labelSelector = query.get('labelSelector');
    if (labelSelector) {
      const requirements = parseLabelSelector(labelSelector);
      items = items.filter(o => matchesLabels(requirements, o.metadata.labels));
    }
    const fieldSelector = query.get('fieldSelector');
    if (fieldSelector) {
      const requirements = parseFieldSelector(fieldSelector, [
        'metadata.name',
        'metadata.namespace',
        ...(type.fieldLabels ?? []),
      ]);
      items = items.filter(o => matchesFields(requirements, o));
    }
  } catch (error) {
    if (error instanceof SelectorError) {
      return json(400, badRequestStatus(error.message));
    }
    throw error;
  }

  const metadata: Record<string, unknown> = {
    resourceVersion: store.resourceVersion,
  };
  let start = 0;
  const continueParam = query.get('continue');
  if (continueParam) {
    const token = decodeContinue(continueParam);
    if (!token) {
      return json(
        400,
        badRequestStatus(
          'continue key is not valid: incorrect encoded start resourceVersion',
        ),
      );
    }
    start = token.start;
  }
  const limitParam = query.get('limit');
  const limit = limitParam ? Number(limitParam) : 0;
  if (limitParam && (!Number.isInteger(limit) || limit < 0)) {
    return json(400, badRequestStatus(`invalid limit: ${limitParam}`));
  }
  let page = items.slice(start);
  if (limit > 0 && page.length > limit) {
    page = page.slice(0, limit);
    const nextStart = start + limit;
    metadata.continue = Buffer.from(
      JSON.stringify({ rv: store.resourceVersion, start: nextStart }),
    ).toString('base64url');
    metadata.remainingItemCount = items.length - nextStart;
  }

  return json(200, {
    apiVersion: groupVersionOf(type),
    kind: `${type.kind}List`,
    metadata,
    items: page,
  });
}

function watchRequest(
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): RouteResponse {
  let matches: (object: KubeObject) => boolean = () => true;
  try {
    const labelSelector = query.get('labelSelector');
    if (labelSelector) {
      const requirements = parseLabelSelector(labelSelector);
      matches = o => matchesLabels(requirements, o.metadata.labels);
    }
  } catch (error) {
    if (error instanceof SelectorError) {
      return json(400, badRequestStatus(error.message));
    }
    throw error;
  }
  const rvParam = query.get('resourceVersion');
  let resourceVersion: number | undefined;
  // "" and "0" mean "any": start with the current objects, as the API server does.
  if (rvParam && rvParam !== '0') {
    resourceVersion = Number(rvParam);
    if (!Number.isInteger(resourceVersion) || resourceVersion < 0) {
      return json(
        400,
        badRequestStatus(`invalid resourceVersion: ${JSON.stringify(rvParam)}`),
      );
    }
  }
  const timeoutParam = query.get('timeoutSeconds');
  const timeoutSeconds = timeoutParam ? Number(timeoutParam) : undefined;
  if (
    timeoutSeconds !== undefined &&
    (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
  ) {
    return json(
      400,
      badRequestStatus(`invalid timeoutSeconds: ${timeoutParam}`),
    );
  }
  return {
    code: 200,
    body: undefined,
    watch: {
      type,
      namespace: type.namespaced ? namespace : undefined,
      matches,
      resourceVersion,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
      timeoutSeconds,
    },
  };
}

function podLog(pod: KubeObject, query: URLSearchParams): RouteResponse {
  const containers = (
    (pod.spec as { containers?: Array<{ name: string; image?: string }> })
      ?.containers ?? []
  ).map(c => c);
  const requested = query.get('container');
  let container = containers.find(c => c.name === requested);
  if (!requested) {
    if (containers.length !== 1) {
      return json(
        400,
        badRequestStatus(
          `a container name must be specified for pod ${
            pod.metadata.name
          }, choose one of: [${containers.map(c => c.name).join(' ')}]`,
        ),
      );
    }
    container = containers[0];
  } else if (!container) {
    return json(
      400,
      badRequestStatus(
        `container ${requested} is not valid for pod ${pod.metadata.name}`,
      ),
    );
  }
  const started =
    (pod.status as { startTime?: string })?.startTime ?? '2025-06-02T12:00:00Z';
  const lines = [
    `${started} INFO  starting ${container!.name} (${
      container!.image ?? 'unknown image'
    })`,
    `${started} INFO  fixture-cluster: pod ${pod.metadata.namespace}/${pod.metadata.name} has no recorded logs; these lines are made up`,
    `${started} INFO  ready`,
  ];
  return {
    code: 200,
    body: `${lines.join('\n')}\n`,
    contentType: 'text/plain',
  };
}

/** Answers one GET for a Kubernetes API path. */
export function routeRequest(
  store: ObjectStore,
  pathname: string,
  query: URLSearchParams,
  serverAddress: string,
): RouteResponse {
  const segments = pathname.split('/').filter(Boolean);

  if (segments.length === 0) {
    return json(200, rootPaths());
  }
  if (segments.length === 1) {
    switch (segments[0]) {
      case 'version':
        return json(200, VERSION_INFO);
      case 'healthz':
      case 'livez':
      case 'readyz':
        return { code: 200, body: 'ok', contentType: 'text/plain' };
      case 'api':
        return json(200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress },
          ],
        });
      case 'apis':
        return json(200, apiGroupList());
      default:
        return json(404, pathNotFoundStatus());
    }
  }
  if (segments[0] === 'api' && segments.length === 2) {
    return segments[1] === 'v1'
      ? json(200, apiResourceList('', 'v1'))
      : json(404, pathNotFoundStatus());
  }
  if (segments[0] === 'apis' && segments.length === 2) {
    const group = apiGroup(segments[1]);
    return group
      ? json(200, { kind: 'APIGroup', apiVersion: 'v1', ...group })
      : json(404, pathNotFoundStatus());
  }
  if (segments[0] === 'apis' && segments.length === 3) {
    const served = servedGroupVersions().some(
      gv => gv.group === segments[1] && gv.version === segments[2],
    );
    return served
      ? json(200, apiResourceList(segments[1], segments[2]))
      : json(404, pathNotFoundStatus());
  }

  const request = parseResourcePath(segments);
  if (!request) {
    return json(404, pathNotFoundStatus());
  }
  const type = findResourceType(request.group, request.version, request.plural);
  if (!type) {
    return json(404, pathNotFoundStatus());
  }
  const watchParam = query.get('watch');
  if (request.watch || watchParam === 'true' || watchParam === '1') {
    if (request.name !== undefined) {
      return json(
        405,
        failureStatus(
          405,
          'MethodNotAllowed',
          'the fixture cluster watches collections only, not single objects',
        ),
      );
    }
    return watchRequest(type, request.namespace, query);
  }
  if (
    request.namespace === undefined &&
    request.name !== undefined &&
    type.namespaced
  ) {
    // `/api/v1/pods/x`: a namespaced resource addressed without a namespace.
    return json(404, pathNotFoundStatus());
  }

  if (request.name === undefined) {
    return listObjects(store, type, request.namespace, query);
  }

  const object = store.get(type, request.namespace, request.name);
  if (!object) {
    return json(404, notFoundStatus(type.group, type.plural, request.name));
  }
  if (request.subresource === undefined) {
    return json(200, object);
  }
  if (request.subresource === 'status' && !WITHOUT_STATUS.has(type.plural)) {
    return json(200, object);
  }
  if (request.subresource === 'log' && type.plural === 'pods' && !type.group) {
    return podLog(object, query);
  }
  return json(404, pathNotFoundStatus());
}
