import { asRecord } from './asRecord';

// Mirrors how Argo CD's application controller derives an Ingress's external URLs
// (controller/cache/info.go: populateNodeInfo, getIngress, populateIngressInfo), including its
// quirks, so that the links shown here are the links Argo CD shows.

const LINK_ANNOTATION_PREFIX = 'link.argocd.argoproj.io/';
const IGNORE_DEFAULT_LINKS_ANNOTATION =
  'argocd.argoproj.io/ignore-default-links';
const INGRESS_API_GROUPS = ['extensions', 'networking.k8s.io'];

// Go's strconv.ParseBool; anything else is not a boolean and leaves the default alone.
function parseGoBool(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

// Argo CD keeps a link annotation when Go's url.Parse accepts its URL part and the scheme is
// http or https (no javascript:, data: ...). This checks what url.Parse would reject.
function isHttpUrl(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url)) return false;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (
    !schemeMatch ||
    !['http', 'https'].includes(schemeMatch[1].toLowerCase())
  ) {
    return false;
  }
  const beforeQuery = url.split('?')[0].split('#')[0];
  const fragment = url.includes('#') ? url.slice(url.indexOf('#') + 1) : '';
  if (/%(?![0-9A-Fa-f]{2})/.test(beforeQuery + fragment)) return false;
  const rest = beforeQuery.slice(schemeMatch[0].length);
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split('/')[0];
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    if (/[\s{}|\\^`]/.test(hostPort)) return false;
    const port = hostPort.startsWith('[')
      ? hostPort.slice(hostPort.indexOf(']') + 1)
      : hostPort.slice(
          hostPort.lastIndexOf(':') >= 0
            ? hostPort.lastIndexOf(':')
            : hostPort.length,
        );
    if (port !== '' && !/^:[0-9]*$/.test(port)) return false;
  }
  return true;
}

function linkAnnotationUrls(annotations: Record<string, unknown>): string[] {
  return Object.keys(annotations)
    .filter(key => key.startsWith(LINK_ANNOTATION_PREFIX))
    .sort() // Argo CD walks a Go map here, in no fixed order; sort so that ours is stable.
    .flatMap(key => {
      const value = annotations[key];
      if (typeof value !== 'string') return [];
      // A value is a bare URL or "title|url"; Argo CD keeps the value as written.
      const url = value.includes('|')
        ? value.slice(value.indexOf('|') + 1)
        : value;
      return url !== '' && isHttpUrl(url) ? [value] : [];
    });
}

// status.loadBalancer.ingress: an entry with a hostname counts by its hostname only, else by its ip.
function loadBalancerHost(status: Record<string, unknown> | undefined): string {
  const entries = asRecord(status?.loadBalancer)?.ingress;
  if (!Array.isArray(entries)) return '';
  for (const item of entries) {
    const entry = asRecord(item);
    if (!entry) continue;
    const address =
      entry.hostname !== undefined && entry.hostname !== null
        ? entry.hostname
        : entry.ip;
    if (typeof address === 'string' && address !== '') return address;
  }
  return '';
}

// Argo CD says https when any TLS entry names a secret, or when an entry's `host` (singular)
// equals the host. It never reads `hosts`: it expects a map there, and Kubernetes has a list.
/**
 * `https` when a TLS entry covers the host: it lists the host (`hosts`, or
 * the singular `host` Argo CD also reads), or it has a secret and names no
 * hosts at all, so its certificate serves every rule. Argo CD reads `hosts`
 * as a map, never matches the list Kubernetes sends, and so marks every host
 * https once any entry has a secret; a host that no entry covers is served
 * without that certificate, so it is `http` here.
 */
function scheme(tls: unknown, host: string): 'http' | 'https' {
  if (!Array.isArray(tls)) return 'http';
  const secure = tls.some(item => {
    const entry = asRecord(item);
    if (entry === undefined) return false;
    if (entry.host === host) return true;
    const hosts = entry.hosts;
    if (Array.isArray(hosts) && hosts.length > 0) {
      return hosts.includes(host);
    }
    return entry.secretName !== undefined && entry.secretName !== null;
  });
  return secure ? 'https' : 'http';
}

function defaultUrls(ingress: Record<string, unknown>): string[] {
  const spec = asRecord(ingress.spec);
  const rules = spec?.rules;
  if (!Array.isArray(rules)) return [];
  const fallbackHost = loadBalancerHost(asRecord(ingress.status));
  const urls: string[] = [];
  for (const item of rules) {
    const rule = asRecord(item);
    if (!rule) continue;
    let host = rule.host;
    if (host === undefined || host === null || host === '') {
      host = fallbackHost;
    }
    if (typeof host !== 'string' || host === '') continue;
    const paths = asRecord(rule.http)?.paths;
    if (!Array.isArray(paths)) continue;
    for (const pathItem of paths) {
      const path = asRecord(pathItem);
      if (!path) continue;
      // "/*" means every path: drop the one trailing star, keep any sub-path.
      const subPath =
        typeof path.path === 'string' ? path.path.replace(/\*$/, '') : '';
      urls.push(`${scheme(spec?.tls, host)}://${host}${subPath}`);
    }
  }
  return urls;
}

/**
 * The external URLs Argo CD shows for an Ingress (either `networking.k8s.io/v1` or
 * `extensions/v1beta1`): link annotations first, then one URL per rule path; never throws.
 *
 * @public
 */
export function ingressUrls(ingress: unknown): string[] {
  try {
    const object = asRecord(ingress);
    if (!object) return [];
    if (typeof object.kind === 'string' && object.kind !== 'Ingress') return [];
    if (typeof object.apiVersion === 'string') {
      const group = object.apiVersion.includes('/')
        ? object.apiVersion.slice(0, object.apiVersion.indexOf('/'))
        : '';
      if (!INGRESS_API_GROUPS.includes(group)) return [];
    }
    const annotations = asRecord(asRecord(object.metadata)?.annotations) ?? {};
    const urls = linkAnnotationUrls(annotations);
    if (parseGoBool(annotations[IGNORE_DEFAULT_LINKS_ANNOTATION]) !== true) {
      urls.push(...defaultUrls(object));
    }
    return [...new Set(urls)];
  } catch {
    // Getters or proxies in hostile input: an Ingress we cannot read has no links.
    return [];
  }
}
