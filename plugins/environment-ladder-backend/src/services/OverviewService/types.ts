import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  LadderOverview,
  OverviewFilter,
} from '@environment-ladder/plugin-environment-ladder-common';

/**
 * Builds the org-wide overview: every service the caller may see × every rung.
 *
 * @public
 */
export interface OverviewService {
  /**
   * The overview as the caller may see it: services from the catalog read
   * with their credentials, then only those whose ladder they may read.
   */
  getOverview(options: {
    credentials: BackstageCredentials;
    filter: OverviewFilter;
  }): Promise<LadderOverview>;
}
