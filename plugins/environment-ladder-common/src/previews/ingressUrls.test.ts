import { ingressUrls } from './ingressUrls';

// The first group of cases restates the Ingresses and expectations of Argo CD's own tests
// (controller/cache/info_test.go, argoproj/argo-cd 37ee0097), so that ours agree with its oracle.

const guestbookRules = (
  backend: (name: string, port: number | string) => object,
) => [
  {
    host: 'helm-guestbook.example.com',
    http: {
      paths: [
        { backend: backend('helm-guestbook', 443), path: '/' },
        { backend: backend('helm-guestbook', 'https'), path: '/' },
      ],
    },
  },
];
const v1beta1Backend = (serviceName: string, servicePort: number | string) => ({
  serviceName,
  servicePort,
});
const v1Backend = (name: string, port: number | string) => ({
  service: {
    name,
    port: typeof port === 'number' ? { number: port } : { name: port },
  },
});
const lb = { loadBalancer: { ingress: [{ ip: '107.178.210.11' }] } };

const extensionsIngress = (
  extra: { annotations?: object; spec?: object } = {},
) => ({
  apiVersion: 'extensions/v1beta1',
  kind: 'Ingress',
  metadata: {
    name: 'helm-guestbook',
    namespace: 'default',
    annotations: extra.annotations,
  },
  spec: {
    backend: { serviceName: 'not-found-service', servicePort: 443 },
    rules: guestbookRules(v1beta1Backend),
    tls: [{ host: 'helm-guestbook.example.com' }],
    secretName: 'my-tls-secret',
    ...extra.spec,
  },
  status: lb,
});

describe('ingressUrls (Argo CD oracle)', () => {
  it('gives one https URL for both API shapes (TestGetIngressInfo)', () => {
    expect(ingressUrls(extensionsIngress())).toEqual([
      'https://helm-guestbook.example.com/',
    ]);
    expect(
      ingressUrls({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'helm-guestbook', namespace: 'default' },
        spec: {
          backend: v1Backend('not-found-service', 443),
          rules: guestbookRules(v1Backend),
          tls: [{ host: 'helm-guestbook.example.com' }],
          secretName: 'my-tls-secret',
        },
        status: lb,
      }),
    ).toEqual(['https://helm-guestbook.example.com/']);
  });

  it('lists link annotations first (TestGetLinkAnnotatedIngressInfo)', () => {
    expect(
      ingressUrls(
        extensionsIngress({
          annotations: {
            'link.argocd.argoproj.io/external-link':
              'http://my-grafana.example.com/ingress-link',
          },
        }),
      ),
    ).toEqual([
      'http://my-grafana.example.com/ingress-link',
      'https://helm-guestbook.example.com/',
    ]);
  });

  it('drops derived links on ignore-default-links (TestGetIgnoreDefaultLinksIngressInfo)', () => {
    expect(
      ingressUrls(
        extensionsIngress({
          annotations: {
            'link.argocd.argoproj.io/external-link':
              'http://my-grafana.example.com/ingress-link',
            'argocd.argoproj.io/ignore-default-links': 'true',
          },
        }),
      ),
    ).toEqual(['http://my-grafana.example.com/ingress-link']);
  });

  it('collapses /* to / (TestGetIngressInfoWildCardPath)', () => {
    const ingress = extensionsIngress();
    ingress.spec.rules[0].http.paths.forEach(p => {
      p.path = '/*';
    });
    expect(ingressUrls(ingress)).toEqual([
      'https://helm-guestbook.example.com/',
    ]);
  });

  it('says http without TLS (TestGetIngressInfoWithoutTls)', () => {
    const ingress = extensionsIngress();
    delete (ingress.spec as { tls?: unknown }).tls;
    expect(ingressUrls(ingress)).toEqual([
      'http://helm-guestbook.example.com/',
    ]);
  });

  const hostless = (path: object, status?: object) => ({
    apiVersion: 'extensions/v1beta1',
    kind: 'Ingress',
    metadata: { name: 'helm-guestbook', namespace: 'default' },
    spec: {
      rules: [
        {
          http: {
            paths: [
              { backend: v1beta1Backend('helm-guestbook', 443), ...path },
            ],
          },
        },
      ],
      tls: [{ secretName: 'my-tls' }],
    },
    status,
  });

  it('falls back to the load balancer without a host (TestGetIngressInfoWithHost)', () => {
    expect(ingressUrls(hostless({ path: '/' }, lb))).toEqual([
      'https://107.178.210.11/',
    ]);
  });

  it('gives nothing without host and load balancer (TestGetIngressInfoNoHost)', () => {
    expect(ingressUrls(hostless({ path: '/' }))).toEqual([]);
  });

  it('keeps sub-paths (TestExternalUrlWithSubPath, TestExternalUrlWithNoSubPath)', () => {
    expect(ingressUrls(hostless({ path: '/my/sub/path/' }, lb))).toEqual([
      'https://107.178.210.11/my/sub/path/',
    ]);
    expect(ingressUrls(hostless({}, lb))).toEqual(['https://107.178.210.11']);
  });

  it('gives a URL per path (TestExternalUrlWithMultipleSubPaths)', () => {
    expect(
      ingressUrls({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'helm-guestbook', namespace: 'default' },
        spec: {
          rules: [
            {
              host: 'helm-guestbook.example.com',
              http: {
                paths: [
                  {
                    backend: v1Backend('helm-guestbook', 443),
                    path: '/my/sub/path/',
                  },
                  {
                    backend: v1Backend('helm-guestbook-2', 443),
                    path: '/my/sub/path/2',
                  },
                  { backend: v1Backend('helm-guestbook-3', 443) },
                ],
              },
            },
          ],
          tls: [{ secretName: 'my-tls' }],
        },
        status: lb,
      }),
    ).toEqual([
      'https://helm-guestbook.example.com/my/sub/path/',
      'https://helm-guestbook.example.com/my/sub/path/2',
      'https://helm-guestbook.example.com',
    ]);
  });

  it('filters unsafe link annotations (TestMaliciousLinkAnnotatedServiceInfoFiltered)', () => {
    expect(
      ingressUrls({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          annotations: {
            // eslint-disable-next-line no-script-url -- the hostile value under test
            'link.argocd.argoproj.io/javascript': 'javascript:alert(1)',
            'link.argocd.argoproj.io/data':
              'data:text/html,<script>alert(1)</script>',
            'link.argocd.argoproj.io/vbscript': 'vbscript:msgbox(1)',
            'link.argocd.argoproj.io/titled-javascript':
              'click me|javascript:alert(1)',
            'link.argocd.argoproj.io/no-scheme': 'example.com/foo',
            'link.argocd.argoproj.io/safe':
              'http://my-grafana.example.com/pre-generated-link',
          },
        },
        spec: {},
      }),
    ).toEqual(['http://my-grafana.example.com/pre-generated-link']);
  });
});

describe('ingressUrls', () => {
  const ingress = (spec: object, extra: object = {}) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'pr-1' },
    spec,
    ...extra,
  });
  const rule = (host: string | undefined, ...paths: string[]) => ({
    ...(host === undefined ? {} : { host }),
    http: {
      paths: paths.map(path => ({
        path,
        pathType: 'Prefix',
        backend: { service: { name: 'web', port: { number: 80 } } },
      })),
    },
  });

  // Where we part from Argo CD on purpose: it reads tls[].hosts as a map and
  // never matches the list Kubernetes sends, so any secret makes every host
  // https. A host that no TLS entry lists is not served with that certificate.
  it('uses https only for hosts a TLS entry lists (unlike Argo CD, which marks all)', () => {
    expect(
      ingressUrls(
        ingress({
          tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
          rules: [rule('a.example.com', '/'), rule('b.example.com', '/')],
        }),
      ),
    ).toEqual(['https://a.example.com/', 'http://b.example.com/']);
  });

  it('reads tls[].hosts even without a secret (the default certificate serves it)', () => {
    expect(
      ingressUrls(
        ingress({
          tls: [{ hosts: ['a.example.com'] }],
          rules: [rule('a.example.com', '/')],
        }),
      ),
    ).toEqual(['https://a.example.com/']);
  });

  it('treats a TLS entry with a secret and no hosts as covering every host', () => {
    expect(
      ingressUrls(
        ingress({
          tls: [{ secretName: 'wildcard-tls' }],
          rules: [rule('a.example.com', '/'), rule('b.example.com', '/x')],
        }),
      ),
    ).toEqual(['https://a.example.com/', 'https://b.example.com/x']);
  });

  it('prefers a load balancer hostname, and skips entries without an address', () => {
    const spec = { rules: [rule(undefined, '/')] };
    expect(
      ingressUrls(
        ingress(spec, {
          status: {
            loadBalancer: {
              ingress: [{}, { hostname: 'lb.example.net', ip: '192.0.2.1' }],
            },
          },
        }),
      ),
    ).toEqual(['http://lb.example.net/']);
    // An entry whose hostname is empty counts as empty, even with an ip (Argo CD's getIngress).
    expect(
      ingressUrls(
        ingress(spec, {
          status: {
            loadBalancer: {
              ingress: [{ hostname: '', ip: '192.0.2.1' }, { ip: '192.0.2.2' }],
            },
          },
        }),
      ),
    ).toEqual(['http://192.0.2.2/']);
  });

  it('skips rules without http paths, and deduplicates', () => {
    expect(
      ingressUrls(
        ingress({
          rules: [
            { host: 'a.example.com' },
            rule('a.example.com', '/', '/*', '/x/*'),
          ],
        }),
      ),
    ).toEqual(['http://a.example.com/', 'http://a.example.com/x/']);
  });

  it('orders link annotations by key and keeps titled values as written', () => {
    expect(
      ingressUrls(
        ingress(
          { rules: [rule('a.example.com', '/')] },
          {
            metadata: {
              annotations: {
                'link.argocd.argoproj.io/z-logs':
                  'Logs|https://logs.example.com/?q=a',
                'link.argocd.argoproj.io/a-dash':
                  'https://grafana.example.com/d/1',
                'link.argocd.argoproj.io/dup': 'http://a.example.com/',
                'link.argocd.argoproj.io/bad-port': 'http://a.example.com:x/',
                'link.argocd.argoproj.io/bad-escape':
                  'http://a.example.com/%zz',
                'link.argocd.argoproj.io/empty': '',
                'link.argocd.argoproj.io/upper': 'HTTPS://UPPER.example.com',
                'other.example.com/link': 'https://ignored.example.com',
              },
            },
          },
        ),
      ),
    ).toEqual([
      'https://grafana.example.com/d/1',
      'http://a.example.com/',
      'HTTPS://UPPER.example.com',
      'Logs|https://logs.example.com/?q=a',
    ]);
  });

  it.each(['1', 't', 'T', 'TRUE', 'True'])(
    'reads ignore-default-links %j as Go reads a boolean',
    value => {
      expect(
        ingressUrls(
          ingress(
            { rules: [rule('a.example.com', '/')] },
            {
              metadata: {
                annotations: {
                  'argocd.argoproj.io/ignore-default-links': value,
                },
              },
            },
          ),
        ),
      ).toEqual([]);
    },
  );

  it.each(['false', 'yes', ''])(
    'keeps derived links for ignore-default-links %j',
    value => {
      expect(
        ingressUrls(
          ingress(
            { rules: [rule('a.example.com', '/')] },
            {
              metadata: {
                annotations: {
                  'argocd.argoproj.io/ignore-default-links': value,
                },
              },
            },
          ),
        ),
      ).toEqual(['http://a.example.com/']);
    },
  );

  it('accepts list items that lack apiVersion and kind', () => {
    expect(
      ingressUrls({ spec: { rules: [rule('a.example.com', '/')] } }),
    ).toEqual(['http://a.example.com/']);
  });

  it('is not fooled by other kinds', () => {
    expect(
      ingressUrls({
        ...ingress({ rules: [rule('a.example.com', '/')] }),
        kind: 'Service',
      }),
    ).toEqual([]);
    expect(
      ingressUrls({
        ...ingress({ rules: [rule('a.example.com', '/')] }),
        apiVersion: 'example.com/v1',
      }),
    ).toEqual([]);
  });

  it.each([
    undefined,
    null,
    42,
    'ingress',
    [],
    { spec: null },
    { spec: { rules: 'nope' } },
    {
      spec: {
        rules: [
          null,
          3,
          { host: 5, http: { paths: [{}] } },
          { http: { paths: 'x' } },
        ],
      },
    },
    {
      spec: {
        rules: [{ host: 'a', http: { paths: [null, { path: 7 }] } }],
        tls: 'x',
      },
    },
    {
      metadata: { annotations: { 'link.argocd.argoproj.io/x': 5 } },
      status: { loadBalancer: 1 },
    },
  ])('never throws on hostile input %#', value => {
    expect(() => ingressUrls(value)).not.toThrow();
    expect(Array.isArray(ingressUrls(value))).toBe(true);
  });

  it('never throws on throwing getters', () => {
    const evil = {
      get spec(): unknown {
        throw new Error('boom');
      },
    };
    expect(ingressUrls(evil)).toEqual([]);
  });

  it('keeps a path without a leading slash as written, like Argo CD', () => {
    expect(
      ingressUrls({
        spec: {
          rules: [{ host: 'a', http: { paths: [{ path: 7 }, { path: 'x' }] } }],
        },
      }),
    ).toEqual(['http://a', 'http://ax']);
  });
});
