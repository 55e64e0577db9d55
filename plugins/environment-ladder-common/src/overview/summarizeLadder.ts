import type {
  Ladder,
  LadderRung,
  RolloutPhase,
  WorkloadStatus,
} from '../types';
import type { OverviewCell, OverviewRow, OverviewService } from './types';

/** Worst first: the phase a cell shows is the worst of its workloads'. */
const PHASE_SEVERITY: RolloutPhase[] = [
  'Degraded',
  'Paused',
  'Progressing',
  'Healthy',
];

function worstPhase(phases: RolloutPhase[]): RolloutPhase | null {
  return PHASE_SEVERITY.find(phase => phases.includes(phase)) ?? null;
}

/**
 * A plain Deployment's phase in Argo Rollouts' words, judged the way Argo
 * CD judges a Deployment's health: a progress deadline exceeded is Degraded,
 * replicas not yet all updated and available is Progressing.
 */
function deploymentPhase(workload: WorkloadStatus): RolloutPhase {
  if (workload.deployment?.progressing === false) return 'Degraded';
  const { desired, current, updated, available } = workload.replicas;
  if (updated < desired || current > updated || available < updated) {
    return 'Progressing';
  }
  return 'Healthy';
}

function rungPhase(rung: LadderRung): RolloutPhase | null {
  return worstPhase([
    ...rung.rollouts.map(rollout => rollout.phase),
    ...rung.workloads
      .filter(workload => workload.kind === 'Deployment')
      .map(deploymentPhase),
  ]);
}

/** `sha256:` and the first 12 hex characters: enough to tell releases apart. */
function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

function worstSeverity(rung: LadderRung): 'error' | 'warning' | null {
  const severities = rung.violations.map(violation => violation.severity);
  if (severities.includes('error')) return 'error';
  if (severities.includes('warning')) return 'warning';
  return null;
}

function summarizeRung(rung: LadderRung): OverviewCell {
  const cell: OverviewCell = {
    rung: rung.name,
    observed: rung.observed,
    digest: rung.digest ? shortDigest(rung.digest) : null,
    digestCount: rung.digests.length,
    comparedToBelow: rung.comparedToBelow,
    rolloutPhase: rungPhase(rung),
    brokenRules: rung.violations.length,
    worstSeverity: worstSeverity(rung),
    error: rung.error?.message ?? null,
  };
  if (rung.kind === 'preview') {
    cell.previews = rung.previews?.length ?? 0;
  }
  return cell;
}

/**
 * One service's ladder as one row of the org-wide overview: per rung the
 * short digest, how it relates to the rung below, the rollout phase and how
 * many rules it breaks.
 *
 * @public
 */
export function summarizeLadder(
  ladder: Ladder,
  service: OverviewService,
): OverviewRow {
  const cells = ladder.rungs.map(summarizeRung);
  const row: OverviewRow = {
    ...service,
    cells,
    brokenRules: cells.reduce((sum, cell) => sum + cell.brokenRules, 0),
  };
  if (ladder.notSetUp) {
    row.notSetUp = ladder.notSetUp;
  }
  return row;
}
