import { Link } from '@backstage/core-components';
import type {
  ActiveFreeze,
  InFlightPromotion,
  LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import { describeInFlight } from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import MuiLink from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { DigestChip } from '../DigestChip';
import { StepTrack } from '../RolloutProgress/StepTrack';
import { RungSignatures } from '../SignatureBadge';
import { formatAge } from './formatAge';
import { HealthStatus } from './HealthStatus';
import { rungHealth } from './rungHealth';

const useStyles = makeStyles(theme => ({
  card: {
    // Fills the row's height (its parent is a flex column) and leaves room for
    // what the row puts under it, e.g. the rollback button.
    flex: '1 1 auto',
    padding: theme.spacing(1.5),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    minWidth: 0,
  },
  selected: {
    borderColor: theme.palette.primary.main,
    boxShadow: `inset 0 0 0 1px ${theme.palette.primary.main}`,
  },
  title: {
    display: 'inline-flex',
    alignItems: 'center',
    textAlign: 'left',
    fontWeight: theme.typography.fontWeightBold as number,
  },
  line: { overflowWrap: 'break-word', minWidth: 0 },
}));

/** Which role each digest plays in the rung's rollouts (stable, canary, active, preview). */
function digestRoles(rung: LadderRung): Map<string, string> {
  const roles = new Map<string, string>();
  for (const rollout of rung.rollouts) {
    for (const image of rollout.images) {
      for (const digest of image.digests) {
        if (image.roles.length) roles.set(digest, image.roles.join(', '));
      }
    }
  }
  return roles;
}

/** One line about a preview rung; its previews are listed in its details. */
function PreviewSummary(props: { rung: LadderRung }) {
  const previews = props.rung.previews ?? [];
  const flagged = previews.filter(p => p.flags.length > 0).length;
  return (
    <Typography
      variant="body2"
      data-testid={`preview-summary-${props.rung.name}`}
    >
      {previews.length === 1 ? '1 preview' : `${previews.length} previews`}
      {flagged > 0 && ` · ${flagged} flagged`}
    </Typography>
  );
}

/**
 * One rung at a glance: name, health, short digest, replicas, age, the
 * canary as a small track, and badges. Its title selects the rung, whose
 * details open below the ladder.
 */
export function RungCard(props: {
  rung: LadderRung;
  now: Date;
  selected?: boolean;
  onSelect?: (rung: string) => void;
  /** The id of the details region the title controls. */
  detailsId?: string;
  /** A promotion into this rung that is still moving. */
  inFlight?: InFlightPromotion;
  /** The freeze window in force on this rung, if any. */
  freeze?: ActiveFreeze | null;
}) {
  const { rung, now, selected, onSelect, detailsId, inFlight, freeze } = props;
  const classes = useStyles();
  const health = rungHealth(rung);
  const age = formatAge(rung.since, now);
  const roles = digestRoles(rung);
  const steps = rung.rollouts.find(r => r.step);
  const [current, total] = (steps?.step ?? '').split('/').map(Number);
  const Chevron = selected ? ExpandLessIcon : ExpandMoreIcon;
  return (
    <Card
      variant="outlined"
      data-testid={`rung-${rung.name}`}
      component="section"
      aria-label={rung.title}
      className={`${classes.card} ${selected ? classes.selected : ''}`}
    >
      <Typography variant="h6" component="h3">
        <MuiLink
          component="button"
          color="textPrimary"
          className={classes.title}
          onClick={() => onSelect?.(rung.name)}
          aria-expanded={selected ? 'true' : 'false'}
          aria-controls={selected ? detailsId : undefined}
          data-testid={`select-${rung.name}`}
        >
          {rung.title}
          <Chevron fontSize="small" aria-hidden />
        </MuiLink>
      </Typography>
      <HealthStatus health={health} testId={`health-${rung.name}`} />
      {rung.observed && !rung.error && rung.kind === 'preview' && (
        <PreviewSummary rung={rung} />
      )}
      {rung.observed &&
        !rung.error &&
        rung.kind !== 'preview' &&
        rung.digests.map(digest => (
          <DigestChip
            key={digest}
            digest={digest}
            compact
            role={rung.digests.length > 1 ? roles.get(digest) : undefined}
            testId={`digest-${rung.name}`}
          />
        ))}
      {rung.observed && !rung.error && rung.kind !== 'preview' && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.line}
        >
          {rung.replicas.ready}/{rung.replicas.desired} ready
          {age && ` · ${age}`}
        </Typography>
      )}
      {!rung.observed && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.line}
        >
          Runs outside the clusters, on a laptop.
        </Typography>
      )}
      {steps && total > 0 && (
        <Box mt={0.5}>
          <StepTrack current={current} total={total} />
        </Box>
      )}
      {inFlight && (
        <Typography
          variant="body2"
          className={classes.line}
          data-testid={`in-flight-${rung.name}`}
        >
          In flight:{' '}
          {inFlight.pullRequest ? (
            <Link to={inFlight.pullRequest.url}>
              {describeInFlight(inFlight)}
            </Link>
          ) : (
            describeInFlight(inFlight)
          )}
        </Typography>
      )}
      {freeze && (
        <Typography
          variant="body2"
          className={classes.line}
          data-testid={`freeze-${rung.name}`}
        >
          {/* The viewer's own clock: the backend's words say UTC. */}
          Frozen until{' '}
          <time dateTime={freeze.until}>
            {new Date(freeze.until).toLocaleString(undefined, {
              dateStyle: 'medium',
              timeStyle: 'short',
            })}
          </time>
          : {freeze.reason}
        </Typography>
      )}
      <RungSignatures rung={rung} />
      <Box
        display="flex"
        flexWrap="wrap"
        style={{ gap: 4 }}
        data-testid={`badges-${rung.name}`}
      >
        {rung.violations.length > 0 &&
          rung.kind !== 'preview' &&
          !health.label.includes('broken rule') && (
            <Typography
              variant="caption"
              data-testid={`rules-badge-${rung.name}`}
            >
              ⚑ {rung.violations.length} broken rule
              {rung.violations.length === 1 ? '' : 's'}
            </Typography>
          )}
      </Box>
    </Card>
  );
}
