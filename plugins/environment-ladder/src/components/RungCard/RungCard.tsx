import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  LadderRung,
  RungComparison,
} from '@environment-ladder/plugin-environment-ladder-common';
import { DigestChip } from '../DigestChip';
import { PreviewList } from '../PreviewList';
import { RolloutProgress } from '../RolloutProgress';
import { RungSignatures } from '../SignatureBadge';
import { formatAge } from './formatAge';

/** One line saying how a rung relates to the rung below it. */
export function describeComparison(
  comparison: RungComparison | null,
): string | null {
  if (!comparison) {
    return null;
  }
  switch (comparison.relation) {
    case 'same':
      return 'Same digest as the rung below';
    case 'behind':
      return `Behind the rung below by ${comparison.releases} release${
        comparison.releases === 1 ? '' : 's'
      }`;
    case 'ahead':
      return 'Ahead of the rung below';
    default:
      return `Unknown relation to the rung below: ${comparison.reason}`;
  }
}

function DeclaredVersusObserved(props: { rung: LadderRung }) {
  const { declared, observedValues } = props.rung;
  const replicas = observedValues?.autoscaler
    ? `HPA ${observedValues.autoscaler.min ?? '?'}–${
        observedValues.autoscaler.max ?? '?'
      } (${observedValues.replicas ?? '?'} now)`
    : observedValues?.replicas ?? null;
  const rows: Array<[string, string | undefined, string | number | null]> = [
    ['Scale', declared.scale, replicas],
    [
      'Endpoints',
      declared.endpoints?.join(', '),
      observedValues?.ingressHosts.join(', ') || null,
    ],
    [
      'Rollout',
      declared.rolloutAggressiveness,
      observedValues?.rolloutStrategy ?? null,
    ],
    ['Dependency tier', declared.dependencyTier, null],
    ['Feature flags', declared.featureFlags, null],
    ['Secrets', declared.secretsSource, null],
  ];
  const shown = rows.filter(([, d, o]) => d !== undefined || o !== null);
  if (shown.length === 0) {
    return null;
  }
  return (
    <Table size="small" aria-label="Declared and observed values">
      <TableHead>
        <TableRow>
          <TableCell />
          <TableCell>Declared</TableCell>
          <TableCell>Observed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {shown.map(([label, d, o]) => (
          <TableRow key={label}>
            <TableCell component="th" scope="row">
              {label}
            </TableCell>
            <TableCell>{d ?? '—'}</TableCell>
            <TableCell>{o ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function RungStatus(props: { rung: LadderRung }) {
  const { rung } = props;
  if (rung.error || rung.violations.some(v => v.severity === 'error')) {
    return <StatusError />;
  }
  if (rung.violations.length > 0) {
    return <StatusWarning />;
  }
  return rung.observed ? <StatusOK /> : null;
}

function WorkloadLine(props: { rung: LadderRung }) {
  const names = props.rung.workloads.map(
    w => `${w.kind} ${w.namespace}/${w.name} on ${w.cluster}`,
  );
  if (names.length === 0) return null;
  return (
    <Typography variant="caption" color="textSecondary" component="div">
      {names.join(' · ')}
    </Typography>
  );
}

/** One line about a preview rung; its previews and their flags are listed below it. */
function PreviewSummary(props: { rung: LadderRung }) {
  const previews = props.rung.previews ?? [];
  const flagged = previews.filter(p => p.flags.length > 0).length;
  return (
    <>
      <Typography
        variant="body2"
        data-testid={`preview-summary-${props.rung.name}`}
      >
        {previews.length === 1 ? '1 preview' : `${previews.length} previews`}
        {flagged > 0 && ` · ${flagged} flagged`}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        One environment per open pull request; never promoted from.
      </Typography>
    </>
  );
}

/** Everything the ladder knows about one rung, as one row of the ladder. */
export function RungCard(props: { rung: LadderRung; now: Date }) {
  const { rung, now } = props;
  const age = formatAge(rung.since, now);
  const comparison = describeComparison(rung.comparedToBelow);
  const isPreview = rung.kind === 'preview';
  return (
    <Card
      variant="outlined"
      data-testid={`rung-${rung.name}`}
      component="section"
      aria-label={rung.title}
    >
      <CardContent>
        <Grid container spacing={2}>
          <Grid item xs={12} md={2}>
            <Box display="flex" alignItems="center">
              <RungStatus rung={rung} />
              <Typography variant="h6" component="h3">
                {rung.title}
              </Typography>
            </Box>
          </Grid>
          <Grid item xs={12} md={5}>
            {!rung.observed && (
              <Typography variant="body2" color="textSecondary">
                Not observed: this rung runs outside the clusters (for example
                on a laptop).
              </Typography>
            )}
            {rung.error && (
              <Typography variant="body2" color="error" role="alert">
                {rung.error.message}
              </Typography>
            )}
            {isPreview && rung.observed && !rung.error && (
              <PreviewSummary rung={rung} />
            )}
            {!isPreview && rung.observed && !rung.error && (
              <>
                {rung.digests.length === 0 && (
                  <Typography variant="body2" color="textSecondary">
                    Nothing of this service runs here.
                  </Typography>
                )}
                {rung.digests.map(digest => (
                  <DigestChip
                    key={digest}
                    digest={digest}
                    testId={`digest-${rung.name}`}
                  />
                ))}
                {comparison && (
                  <Chip
                    size="small"
                    label={comparison}
                    data-testid={`comparison-${rung.name}`}
                    color={
                      rung.comparedToBelow?.relation === 'same'
                        ? 'primary'
                        : 'default'
                    }
                  />
                )}
                <Typography variant="body2">
                  {rung.replicas.ready}/{rung.replicas.desired} replicas ready
                  {age && ` · running for ${age}`}
                </Typography>
                <WorkloadLine rung={rung} />
                {rung.rollouts.map(rollout => (
                  <RolloutProgress
                    key={`${rollout.cluster}/${rollout.namespace}/${rollout.name}`}
                    rollout={rollout}
                  />
                ))}
              </>
            )}
            <RungSignatures rung={rung} />
            {/* A preview rung's violations are shown on its previews' rows. */}
            {!isPreview &&
              rung.violations.map(violation => (
                <Typography
                  key={`${violation.rule}-${violation.message}`}
                  variant="body2"
                  color={
                    violation.severity === 'error' ? 'error' : 'textPrimary'
                  }
                  data-testid={`violation-${violation.rule}`}
                >
                  ⚑ {violation.message}
                </Typography>
              ))}
          </Grid>
          <Grid item xs={12} md={5}>
            <DeclaredVersusObserved rung={rung} />
          </Grid>
          {isPreview && rung.observed && !rung.error && (
            <Grid item xs={12}>
              <PreviewList previews={rung.previews ?? []} now={now} />
            </Grid>
          )}
        </Grid>
      </CardContent>
    </Card>
  );
}
