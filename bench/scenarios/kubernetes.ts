/*
 * The Kubernetes plugin's own entity read, as its tab makes it
 * (plugin-kubernetes-react: GET /clusters, then POST /services/:name with the
 * entity): its time and the cluster requests one view costs. The plugin
 * caches nothing, so every view is a cold one.
 */
import {
  clusterRequests,
  SERVICE,
  type ClusterRequests,
  type Context,
} from '../lib/context';
import { median, request } from '../lib/http';
import { log, sleep } from '../lib/processes';

export interface KubernetesResult {
  samples: Array<{
    ms: number;
    clusterRequests: ClusterRequests;
    errors: string[];
  }>;
  medianMs: number;
  /** Median cluster requests per view. */
  clusterRequestsPerView: number;
  backendRequestsPerView: number;
}

/** Clusters the Kubernetes plugin reports errors for. */
function objectsErrors(body: string): string[] {
  try {
    return (JSON.parse(body).items ?? []).flatMap((item: any) =>
      (item.errors ?? []).map(
        (e: any) => `${item.cluster?.name}: ${JSON.stringify(e).slice(0, 120)}`,
      ),
    );
  } catch {
    return ['the answer is not JSON'];
  }
}

export async function measureKubernetes(
  ctx: Context,
): Promise<KubernetesResult> {
  const { backend, fixtures, options } = ctx;
  const headers = { ...backend.auth, 'Content-Type': 'application/json' };
  const body = JSON.stringify({ entity: backend.entity, auth: {} });
  log(`Kubernetes plugin entity read x${options.kubernetesSamples} ...`);
  const samples: KubernetesResult['samples'] = [];
  for (let i = 0; i < options.kubernetesSamples; i++) {
    fixtures.resetStats();
    const start = performance.now();
    const clusters = await request(`${backend.base}/api/kubernetes/clusters`, {
      headers: backend.auth,
      agent: false,
    });
    const objects = await request(
      `${backend.base}/api/kubernetes/services/${SERVICE}`,
      { method: 'POST', headers, body, agent: false },
    );
    const ms = performance.now() - start;
    if (clusters.status !== 200 || objects.status !== 200) {
      throw new Error(
        `the Kubernetes plugin answered ${clusters.status} / ${
          objects.status
        }: ${objects.body.slice(0, 300)}`,
      );
    }
    await sleep(Math.max(300, options.slowLatencyMs + 100));
    samples.push({
      ms,
      clusterRequests: clusterRequests(fixtures),
      errors: objectsErrors(objects.body),
    });
  }
  return {
    samples,
    medianMs: median(samples.map(s => s.ms)),
    clusterRequestsPerView: median(samples.map(s => s.clusterRequests.lists)),
    backendRequestsPerView: 2,
  };
}
