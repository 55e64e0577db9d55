import type {
  DeclaredRungValues,
  Digest,
  LadderViolation,
  ObservedRungValues,
  RolloutStatus,
  WorkloadStatus,
} from '../types';
import { isPinnedByDigest } from './isPinnedByDigest';
import { knownDigests } from './internal/knownDigests';
import { shortDigest } from './shortDigest';

type RungView = {
  name: string;
  /** Used in sentences when set; else the name. */
  title?: string;
  workloads: WorkloadStatus[];
  rollouts: RolloutStatus[];
};

/**
 * Checks one rung against the ladder's rules and explains every broken one in a sentence.
 *
 * @remarks
 * - `tag-not-digest`: a workload's spec asks for its service image by tag. An error on a
 *   rung that has a rung below (a tag there means the promoted thing is not what ran below);
 *   a warning on the lowest rung, where builds enter the ladder.
 * - `digest-not-from-rung-below`: the rung runs a digest that never ran in `below` (not in
 *   its pods, rollouts or revision history): a rebuild or a push, not a promotion. Checked
 *   unless `checkDigestFromBelow` is false, and only when `below` is known to have run
 *   something; a warning rather than an error when some of `below`'s earlier revisions
 *   are not pinned by digest, since their digests are unknown.
 * - `mixed-digests`: the rung's pods run more than one digest outside a rollout. A
 *   Rollout in progress counts with its stable (or active) digest only, and a Deployment in
 *   the middle of a rolling update (updated replicas fewer than current) is left out.
 * - `rollout-degraded`: a Rollout is aborted or Degraded.
 * - `scale-mismatch`: the autoscaler's bounds, or without one each workload's desired
 *   replicas, fall outside the declared `replicas` min/max.
 * - `endpoint-mismatch`: declared endpoint hosts that no Ingress serves, and Ingress
 *   hosts that are not declared (only when endpoints are declared and the rung runs a
 *   workload).
 */
export function findRungViolations(
  input: RungView & {
    declared: DeclaredRungValues;
    observedValues: ObservedRungValues | null;
    below?: RungView | null;
    checkDigestFromBelow?: boolean;
  },
): LadderViolation[] {
  const rung = input.name;
  const label = input.title || input.name;
  const violations: LadderViolation[] = [];
  const add = (
    rule: LadderViolation['rule'],
    severity: LadderViolation['severity'],
    message: string,
  ) => violations.push({ rule, severity, rung, message });

  // tag-not-digest
  const byTag = new Map<string, WorkloadStatus[]>();
  for (const workload of input.workloads) {
    for (const image of workload.specImages) {
      if (!isPinnedByDigest(image)) {
        const list = byTag.get(image) ?? [];
        list.push(workload);
        byTag.set(image, list);
      }
    }
  }
  for (const [image, workloads] of byTag) {
    const digest = mostRunDigest(workloads, image);
    const pin = digest ? ` Pin it as ${withoutTag(image)}@${digest}.` : '';
    add(
      'tag-not-digest',
      input.below ? 'error' : 'warning',
      `${label} runs ${image} by tag, not by digest (${describeAll(
        workloads,
      )}): a tag can be moved to another build, so what runs cannot be traced or promoted as it is.${pin}`,
    );
  }

  // digest-not-from-rung-below
  if (input.below && input.checkDigestFromBelow !== false) {
    const below = knownDigests(input.below.workloads, input.below.rollouts);
    const belowLabel = input.below.title || input.below.name;
    if (below.digests.size > 0) {
      for (const [digest, where] of digestsOf(
        input.workloads,
        input.rollouts,
      )) {
        if (below.digests.has(digest)) continue;
        add(
          'digest-not-from-rung-below',
          below.incomplete ? 'warning' : 'error',
          below.incomplete
            ? `${label} runs ${shortDigest(
                digest,
              )} (${where}), which ${belowLabel} does not run and its known revisions never ran; earlier revisions of ${belowLabel} are not pinned by digest, so it may have run there before.`
            : `${label} runs ${shortDigest(
                digest,
              )} (${where}), which never ran in ${belowLabel}: it was not promoted from there, so it is a rebuild or a direct push.`,
        );
      }
    }
  }

  // mixed-digests
  const settled = new Map<Digest, Array<{ pods: number; where: string }>>();
  for (const workload of input.workloads) {
    const rollout = input.rollouts.find(
      r =>
        workload.kind === 'Rollout' &&
        r.cluster === workload.cluster &&
        r.namespace === workload.namespace &&
        r.name === workload.name,
    );
    let allowed: Set<Digest> | null = null;
    if (
      rollout &&
      (rollout.phase === 'Progressing' || rollout.phase === 'Paused')
    ) {
      allowed = new Set(
        rollout.images
          .filter(i => i.roles.includes('stable') || i.roles.includes('active'))
          .flatMap(i => i.digests),
      );
    } else if (
      workload.kind === 'Deployment' &&
      workload.replicas.updated < workload.replicas.current
    ) {
      continue;
    }
    for (const running of workload.running) {
      if (!running.digest || (allowed && !allowed.has(running.digest)))
        continue;
      const list = settled.get(running.digest) ?? [];
      list.push({ pods: running.pods, where: describe(workload) });
      settled.set(running.digest, list);
    }
  }
  if (settled.size > 1) {
    const parts = [...settled].map(([digest, places]) => {
      const pods = places.reduce((n, p) => n + p.pods, 0);
      return `${shortDigest(digest)} on ${pods} pod${
        pods === 1 ? '' : 's'
      } (${places.map(p => p.where).join(', ')})`;
    });
    add(
      'mixed-digests',
      'error',
      `${label}'s pods run ${
        settled.size
      } different digests outside a rollout: ${parts.join(
        '; ',
      )}. Pods pulled a moving tag at different times, or a workload was changed by hand.`,
    );
  }

  // rollout-degraded
  for (const rollout of input.rollouts) {
    if (rollout.aborted || rollout.phase === 'Degraded') {
      const state = rollout.aborted ? 'was aborted' : 'is Degraded';
      add(
        'rollout-degraded',
        'error',
        sentence(
          `Rollout ${rollout.namespace}/${rollout.name} on ${
            rollout.cluster
          } in ${label} ${state}${
            rollout.message ? `: ${rollout.message}` : ''
          }`,
        ),
      );
    }
  }

  // scale-mismatch
  const min = finite(input.declared.replicas?.min);
  const max = finite(input.declared.replicas?.max);
  const autoscaler = input.observedValues?.autoscaler ?? null;
  if (min !== null || max !== null) {
    const range = describeRange(min, max);
    if (autoscaler) {
      if (min !== null && autoscaler.min !== null && autoscaler.min < min) {
        add(
          'scale-mismatch',
          'warning',
          `${label}'s autoscaler may scale down to ${autoscaler.min} replica${
            autoscaler.min === 1 ? '' : 's'
          }, but ${label} declares ${range}.`,
        );
      }
      if (max !== null && autoscaler.max !== null && autoscaler.max > max) {
        add(
          'scale-mismatch',
          'warning',
          `${label}'s autoscaler may scale up to ${autoscaler.max} replicas, but ${label} declares ${range}.`,
        );
      }
    } else {
      for (const workload of input.workloads) {
        const desired = workload.replicas.desired;
        if (
          (min !== null && desired < min) ||
          (max !== null && desired > max)
        ) {
          add(
            'scale-mismatch',
            'warning',
            `${describe(workload)} in ${label} wants ${desired} replica${
              desired === 1 ? '' : 's'
            }, but ${label} declares ${range}.`,
          );
        }
      }
    }
  }

  // endpoint-mismatch
  const declaredHosts = (input.declared.endpoints ?? [])
    .map(hostOf)
    .filter((host): host is string => host !== null);
  if (
    declaredHosts.length > 0 &&
    input.workloads.length > 0 &&
    input.observedValues
  ) {
    const served = input.observedValues.ingressHosts;
    for (const host of new Set(declaredHosts)) {
      if (!served.some(pattern => hostMatches(pattern, host))) {
        add(
          'endpoint-mismatch',
          'warning',
          served.length === 0
            ? `${label} declares the endpoint ${host}, but no Ingress serves it (the rung has no Ingress).`
            : `${label} declares the endpoint ${host}, but no Ingress serves it (Ingresses serve ${served.join(
                ', ',
              )}).`,
        );
      }
    }
    for (const pattern of served) {
      if (
        !declaredHosts.some(
          host => hostMatches(pattern, host) || host === pattern,
        )
      ) {
        add(
          'endpoint-mismatch',
          'warning',
          `An Ingress in ${label} serves ${pattern}, which ${label} does not declare as an endpoint.`,
        );
      }
    }
  }

  return violations;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function describe(workload: WorkloadStatus): string {
  return `${workload.kind} ${workload.namespace}/${workload.name} on ${workload.cluster}`;
}

function describeAll(workloads: WorkloadStatus[]): string {
  const shown = workloads.slice(0, 3).map(describe).join(', ');
  return workloads.length > 3
    ? `${shown} and ${workloads.length - 3} more`
    : shown;
}

function mostRunDigest(
  workloads: WorkloadStatus[],
  image: string,
): Digest | null {
  let best: { digest: Digest; pods: number } | null = null;
  for (const workload of workloads) {
    for (const running of workload.running) {
      if (
        running.image === image &&
        running.digest &&
        (!best || running.pods > best.pods)
      ) {
        best = { digest: running.digest, pods: running.pods };
      }
    }
  }
  return best?.digest ?? null;
}

// `repo:tag` → `repo`; a colon before the last slash belongs to a registry port.
function withoutTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

function digestsOf(
  workloads: WorkloadStatus[],
  rollouts: RolloutStatus[],
): Map<Digest, string> {
  const digests = new Map<Digest, string>();
  for (const workload of workloads) {
    for (const running of workload.running) {
      if (running.digest && !digests.has(running.digest)) {
        digests.set(
          running.digest,
          `${running.image} in ${describe(workload)}`,
        );
      }
    }
  }
  for (const rollout of rollouts) {
    for (const image of rollout.images) {
      for (const digest of image.digests) {
        if (!digests.has(digest)) {
          digests.set(
            digest,
            `${image.image} in Rollout ${rollout.namespace}/${rollout.name} on ${rollout.cluster}`,
          );
        }
      }
    }
  }
  return digests;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function describeRange(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `${min} to ${max} replicas`;
  if (min !== null) return `at least ${min} replica${min === 1 ? '' : 's'}`;
  return `at most ${max} replica${max === 1 ? '' : 's'}`;
}

function hostOf(endpoint: unknown): string | null {
  if (
    typeof endpoint !== 'string' ||
    endpoint.length === 0 ||
    endpoint.length > 2048
  ) {
    return null;
  }
  let rest = endpoint.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  rest = rest.split(/[/?#]/, 1)[0];
  rest = rest.slice(rest.lastIndexOf('@') + 1);
  rest = rest.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
  return rest.length > 0 && rest.length <= 253 ? rest : null;
}

// Ingress wildcards cover exactly one leading label: `*.acme.com` serves `shop.acme.com`.
function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
}
