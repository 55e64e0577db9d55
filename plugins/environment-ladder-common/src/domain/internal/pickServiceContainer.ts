import { asArray } from './asArray';
import { asString } from './asString';
import { field } from './field';

// Containers that meshes, agents and proxies inject next to the service. Matched by
// name, and by image for injectors that let users rename the container.
const SIDECAR_NAMES = new Set([
  'istio-proxy',
  'istio-init',
  'linkerd-proxy',
  'linkerd-init',
  'envoy',
  'envoy-sidecar',
  'kuma-sidecar',
  'consul-dataplane',
  'consul-connect-envoy-sidecar',
  'daprd',
  'vault-agent',
  'vault-agent-init',
  'cloud-sql-proxy',
  'cloudsql-proxy',
  'oauth2-proxy',
  'datadog-agent',
  'aws-xray-daemon',
  'otel-collector',
  'opentelemetry-collector',
  'jaeger-agent',
  'fluent-bit',
  'fluentd',
  'filebeat',
]);
const SIDECAR_IMAGES = [
  /(^|\/)proxyv2(:|@|$)/,
  /(^|\/)linkerd2?-proxy(:|@|$)/,
  /(^|\/)envoyproxy\/envoy/,
];

/** The service container of a pod spec: its name and the image the spec asks for. */
interface ServiceContainer {
  name: string;
  image: string | null;
}

/**
 * Picks the service container from a pod spec's `containers`.
 *
 * @remarks
 * The rule, in order: the container named `containerName` when one is configured (and
 * none when the pod has no such container: a configured name is never second-guessed);
 * else the container named like the workload; else the first container that is not a
 * known sidecar (`istio-proxy`, `linkerd-proxy`, Envoy, agents and log shippers, by name
 * or image). A pod made only of sidecars has no service container.
 */
export function pickServiceContainer(
  containers: unknown,
  workloadName: string | null,
  containerName?: string,
): ServiceContainer | null {
  const candidates: ServiceContainer[] = [];
  for (const container of asArray(containers)) {
    const name = asString(field(container, 'name'));
    if (name) {
      candidates.push({ name, image: asString(field(container, 'image')) });
    }
  }
  if (containerName) {
    return candidates.find(c => c.name === containerName) ?? null;
  }
  if (workloadName) {
    const named = candidates.find(c => c.name === workloadName);
    if (named) {
      return named;
    }
  }
  return candidates.find(c => !isSidecar(c)) ?? null;
}

function isSidecar(container: ServiceContainer): boolean {
  if (SIDECAR_NAMES.has(container.name)) {
    return true;
  }
  const image = container.image;
  return (
    image !== null &&
    image.length < 2048 &&
    SIDECAR_IMAGES.some(pattern => pattern.test(image))
  );
}
