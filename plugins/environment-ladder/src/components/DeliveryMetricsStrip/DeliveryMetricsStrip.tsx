import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import type { DeliveryMetrics } from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { ladderApiRef } from '../../api';

/** The period the tab shows; the API takes others (`period=7d` ... `365d`). */
const PERIOD_DAYS = 30;

/** A duration as people say it: minutes, hours, or days. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Math.max(1, Math.round(minutes))} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}

function Figure(props: { label: string; value: string; detail: string }) {
  return (
    <Box flex="1 1 160px" minWidth={140}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h6" component="div">
        {props.value}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.detail}
      </Typography>
    </Box>
  );
}

/** The four figures, from what the backend computed; nothing is derived here but words. */
export function DeliveryMetricsFigures(props: { metrics: DeliveryMetrics }) {
  const { deploymentFrequency, leadTime, changeFailureRate, timeToRestore } =
    props.metrics;
  const deployments = deploymentFrequency.reduce(
    (sum, rung) => sum + rung.deployments,
    0,
  );
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }}>
      <Figure
        label="Deployments"
        value={String(deployments)}
        detail={
          deploymentFrequency
            .map(rung => `${rung.rung} ${rung.deployments}`)
            .join(' · ') || 'no rungs'
        }
      />
      <Figure
        label={`Lead time to ${leadTime.rung ?? 'production'}`}
        value={formatDuration(leadTime.medianMs)}
        detail={
          leadTime.count === 0
            ? 'nothing verified'
            : `median of ${leadTime.count}, request to verified${
                leadTime.fromCommit?.count
                  ? `; ${formatDuration(
                      leadTime.fromCommit.medianMs,
                    )} from the commit (${leadTime.fromCommit.count})`
                  : ''
              }`
        }
      />
      <Figure
        label="Change failure rate"
        value={
          changeFailureRate.rate === null
            ? '—'
            : `${Math.round(changeFailureRate.rate * 100)} %`
        }
        detail={`${changeFailureRate.failures} of ${changeFailureRate.changes} merged failed or rolled back`}
      />
      <Figure
        label="Time to restore"
        value={formatDuration(timeToRestore.medianMs)}
        detail={
          timeToRestore.count + timeToRestore.unrestored === 0
            ? 'no failures'
            : `median of ${timeToRestore.count}${
                timeToRestore.unrestored
                  ? `, ${timeToRestore.unrestored} not restored yet`
                  : ''
              }`
        }
      />
    </Box>
  );
}

/**
 * A small strip with the delivery metrics over the last 30 days, from the
 * promotion ledger: of one service (the Environments tab) or of a team's
 * services (`owner`, on a Group's card). It never blocks what it sits in:
 * while loading it says so, and a failure is one quiet line.
 */
export function DeliveryMetricsStrip(
  props: { entityRef: CompoundEntityRef } | { owner: string },
) {
  const api = useApi(ladderApiRef);
  const entityRef = 'entityRef' in props ? props.entityRef : undefined;
  const owner = 'owner' in props ? props.owner : undefined;
  const { kind, namespace, name } = entityRef ?? {};
  const { value, loading, error } = useAsync(
    // Async, so that any failure (even a synchronous one) lands in `error`.
    async () =>
      owner !== undefined
        ? api.getTeamDeliveryMetrics(owner, PERIOD_DAYS)
        : api.getDeliveryMetrics(
            { kind: kind!, namespace: namespace!, name: name! },
            PERIOD_DAYS,
          ),
    [api, owner, kind, namespace, name],
  );
  return (
    <Paper
      variant="outlined"
      component="section"
      aria-label="Delivery metrics"
      data-testid="delivery-metrics"
    >
      <Box px={2} py={1.5}>
        <Typography variant="subtitle2" component="h2" gutterBottom>
          Delivery, last {PERIOD_DAYS} days
          {value && owner !== undefined
            ? ` (${value.entityRefs.length} service${
                value.entityRefs.length === 1 ? '' : 's'
              })`
            : ''}
        </Typography>
        {loading && (
          <Typography variant="body2" color="textSecondary">
            Reading the promotion ledger…
          </Typography>
        )}
        {error && !loading && (
          <Typography variant="body2" color="textSecondary">
            The delivery metrics could not be read.
          </Typography>
        )}
        {value && !loading && <DeliveryMetricsFigures metrics={value} />}
      </Box>
    </Paper>
  );
}
