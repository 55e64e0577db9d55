/*
 * Wire types of the org-wide overview (`GET /api/environment-ladder/overview`):
 * every service the caller may see × every rung, one small cell each. The
 * full ladder stays on the service's tab; a cell says just enough to tell
 * where to look.
 */

import type { RolloutPhase, RungComparison } from '../types';

/**
 * One rung of the ladder as the overview's columns show it.
 *
 * @public
 */
export interface OverviewRung {
  name: string;
  title: string;
  /** `preview` for the rung of pull-request environments. */
  kind?: 'preview';
}

/**
 * One service in one rung.
 *
 * @public
 */
export interface OverviewCell {
  /** The rung's name, as in {@link OverviewRung}. */
  rung: string;
  /** False for rungs that are shown but not observed (e.g. `local`). */
  observed: boolean;
  /** `sha256:` and the first 12 hex characters, when the rung runs exactly one digest. */
  digest: string | null;
  /** How many different digests the rung runs (more than one: mixed, or previews). */
  digestCount: number;
  /** Relation to the next observed rung below; null for the lowest one. */
  comparedToBelow: RungComparison | null;
  /** The worst phase of the rung's workloads (Argo Rollouts' words), null without workloads. */
  rolloutPhase: RolloutPhase | null;
  /** How many ladder rules the rung breaks. */
  brokenRules: number;
  /** The most severe broken rule's severity, null when none is broken. */
  worstSeverity: 'error' | 'warning' | null;
  /** Why the rung's clusters could not be read; the other cells still answer. */
  error: string | null;
  /** For preview rungs: how many preview environments run. */
  previews?: number;
}

/**
 * Who a service is, as the overview lists and filters it.
 *
 * @public
 */
export interface OverviewService {
  /** `component:default/checkout`. */
  entityRef: string;
  /** The entity's title, else its name. */
  title: string;
  /** The owner's full entity ref (`group:default/team-shop`), if any. */
  owner: string | null;
  /** The system's full entity ref (`system:default/shop`), if any. */
  system: string | null;
  /** `spec.lifecycle` (`production`, `experimental`, ...), if any. */
  lifecycle: string | null;
}

/**
 * One service of the overview: who it is and one cell per rung.
 *
 * @public
 */
export interface OverviewRow extends OverviewService {
  /** One cell per rung the ladder has, lowest first; empty when not set up. */
  cells: OverviewCell[];
  /** Broken rules over all rungs. */
  brokenRules: number;
  /** Set when the entity lacks what the ladder needs to find its workloads. */
  notSetUp?: string;
  /** Set when no ladder could be built for this service at all. */
  error?: string;
}

/**
 * The org-wide overview as the API returns it.
 *
 * @public
 */
export interface LadderOverview {
  /** The configured rungs, lowest first: the overview's columns. */
  rungs: OverviewRung[];
  /** One row per service the caller may see and read the ladder of, by title. */
  rows: OverviewRow[];
  generatedAt: string;
}

/**
 * What the overview can be narrowed to. Owner and system are full entity
 * refs; every given criterion must hold.
 *
 * @public
 */
export interface OverviewFilter {
  owner?: string;
  system?: string;
  lifecycle?: string;
  /** Only services that break at least one ladder rule. */
  onlyBroken?: boolean;
}
