import type { Entity } from '@backstage/catalog-model';
import type {
  Promotion,
  PromotionRequest,
} from '@environment-ladder/plugin-environment-ladder-common';

/** What a promotion request answers. */
export interface PromotionResponse {
  promotion: Promotion;
  /** False when an earlier request with the same idempotency key recorded it. */
  created: boolean;
  /** Present for dry runs: the exact change and pull request, nothing written. */
  dryRun?: {
    repository: string;
    filePath: string;
    diff: string;
    pullRequest: { branch: string; title: string; body: string };
  };
  /** Something the caller should know that did not fail the request. */
  warnings?: string[];
}

/** Requests promotions, records them in the ledger and follows them to the end. */
export interface PromotionService {
  request(input: {
    request: PromotionRequest;
    entity: Entity;
    /** The requesting user's entity ref, never a service's. */
    requestedBy: string;
  }): Promise<PromotionResponse>;
  /** Records an approval by someone other than the requester; opens the pull request once the gate is met. */
  approve(input: { id: string; approver: string }): Promise<Promotion>;
  get(id: string): Promise<Promotion | undefined>;
  listForEntity(entityRef: string): Promise<Promotion[]>;
}
