import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { OverviewFilter } from '@environment-ladder/plugin-environment-ladder-common';
import { useMemo } from 'react';
import { useLadderOverview } from '../../hooks/useLadderOverview';
import { DeliveryMetricsStrip } from '../DeliveryMetricsStrip';
import { LadderOverviewTable } from '../LadderOverviewTable';

/** The services a System has, or a Group owns, as the overview's server-side filter. */
export function servicesOf(entity: Entity): OverviewFilter {
  const ref = stringifyEntityRef(entity);
  return entity.kind.toLocaleLowerCase('en-US') === 'system'
    ? { system: ref }
    : { owner: ref };
}

/**
 * For a System or Group page: the ladder of each of its services, one row
 * each, and for a Group its delivery metrics. The backend builds only these services' ladders (the filter goes to
 * the server), and the card refreshes on the overview signal.
 */
export function ServicesLadderCard() {
  const { entity } = useEntity();
  const filter = useMemo(() => servicesOf(entity), [entity]);
  const { value: overview, loading, error } = useLadderOverview(filter);
  return (
    <InfoCard title="Environments" noPadding>
      {!overview && loading && <Progress />}
      {error && !overview && <ResponseErrorPanel error={error} />}
      {overview && (
        <LadderOverviewTable overview={overview} rows={overview.rows} dense />
      )}
      {/* A team's delivery, over the services of it the viewer may read. */}
      {filter.owner && <DeliveryMetricsStrip owner={filter.owner} />}
    </InfoCard>
  );
}
