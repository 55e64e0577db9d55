import type { Entity } from '@backstage/catalog-model';
import type {
  Promotion,
  PromotionRequest,
  PromotionResponse,
  SourceCommit,
} from '@environment-ladder/plugin-environment-ladder-common';

/** Requests promotions, records them in the ledger and follows them to the end. */
export interface PromotionService {
  request(input: {
    request: PromotionRequest;
    entity: Entity;
    /**
     * The requesting user's entity ref; for a build from CI, the subject of its external
     * access token (e.g. `external:ci`).
     */
    requestedBy: string;
    /** CI brings a build into the ladder: the rules check `target-accepts-ci`. */
    fromCi?: boolean;
    /** The commit CI built the digest from, when CI said (recorded for lead time). */
    sourceCommit?: SourceCommit;
  }): Promise<PromotionResponse>;
  /** Records an approval by someone other than the requester; opens the pull request once the gate is met. */
  approve(input: { id: string; approver: string }): Promise<Promotion>;
  get(id: string): Promise<Promotion | undefined>;
  listForEntity(entityRef: string): Promise<Promotion[]>;
}
