import { InfoCard, Link } from '@backstage/core-components';
import type {
  Ladder,
  LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import { describeInFlight } from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { BrokenRulesList } from '../BrokenRules';
import { DigestChip } from '../DigestChip';
import { PreviewList } from '../PreviewList';
import { RolloutProgress } from '../RolloutProgress';
import { describeRelation, formatAge } from '../RungCard';
import { ValuesList } from './ValuesList';

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Box component="section" mb={2}>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** The rung below one: the next observed, non-preview one. */
function rungBelow(ladder: Ladder, rung: LadderRung): LadderRung | undefined {
  const index = ladder.rungs.indexOf(rung);
  return ladder.rungs
    .slice(0, index)
    .reverse()
    .find(r => r.observed && r.kind !== 'preview');
}

/** Everything about one rung, on demand: what runs, rollouts, values, broken rules, promotion. */
export function RungDetails(props: {
  id: string;
  ladder: Ladder;
  rung: LadderRung;
  now: Date;
}) {
  const { id, ladder, rung, now } = props;
  const relation = describeRelation(rung, rungBelow(ladder, rung));
  const age = formatAge(rung.since, now);
  const verdict = ladder.promotions?.targets.find(
    t => t.targetEnvironment === rung.name,
  );
  const source = verdict
    ? ladder.rungs.find(r => r.name === verdict.sourceEnvironment)
    : undefined;
  const inFlight = ladder.promotions?.inFlight.filter(
    p => p.targetEnvironment === rung.name,
  );
  const isPreview = rung.kind === 'preview';
  return (
    <div id={id} data-testid={`details-${rung.name}`}>
      <InfoCard
        title={`${rung.title} details`}
        subheader={relation?.sentence}
        noPadding={false}
      >
        {rung.error && (
          <Typography variant="body2" role="alert" gutterBottom>
            {rung.title} could not be read: {rung.error.message}
          </Typography>
        )}
        {!rung.observed && (
          <Typography variant="body2">
            Not observed: this rung runs outside the clusters (for example on a
            laptop), so the suite cannot tell what runs there.
          </Typography>
        )}
        {isPreview && rung.observed && !rung.error && (
          <>
            <Typography variant="body2" gutterBottom>
              One environment per open pull request; never promoted from.
            </Typography>
            <PreviewList previews={rung.previews ?? []} now={now} />
          </>
        )}
        {!isPreview && rung.observed && !rung.error && (
          <Grid container spacing={3}>
            <Grid item xs={12} lg={6}>
              <Section title="Running">
                {rung.digests.length === 0 && (
                  <Typography variant="body2" color="textSecondary">
                    Nothing of this service runs here.
                  </Typography>
                )}
                {rung.digests.map(digest => (
                  <DigestChip key={digest} digest={digest} />
                ))}
                <Typography variant="body2">
                  {rung.replicas.ready} of {rung.replicas.desired} replicas
                  ready{age && ` · running for ${age}`}
                </Typography>
                {rung.workloads.map(w => (
                  <Typography
                    key={`${w.cluster}/${w.namespace}/${w.name}`}
                    variant="body2"
                    color="textSecondary"
                    style={{ overflowWrap: 'break-word' }}
                  >
                    {w.kind} {w.namespace}/{w.name} on cluster {w.cluster}
                  </Typography>
                ))}
              </Section>
              {rung.rollouts.length > 0 && (
                <Section title="Rollout">
                  {/* Image references are one long word each: they may wrap anywhere. */}
                  <Box style={{ overflowWrap: 'anywhere' }}>
                    {rung.rollouts.map(rollout => (
                      <RolloutProgress
                        key={`${rollout.cluster}/${rollout.namespace}/${rollout.name}`}
                        rollout={rollout}
                      />
                    ))}
                  </Box>
                </Section>
              )}
              {(verdict || (inFlight && inFlight.length > 0)) && (
                <Section title="Promotion">
                  {inFlight?.map(p => (
                    <Typography
                      key={`${p.targetEnvironment}-${p.createdAt}`}
                      variant="body2"
                    >
                      In flight from {p.sourceEnvironment}:{' '}
                      {p.pullRequest ? (
                        <Link to={p.pullRequest.url}>
                          {describeInFlight(p)}
                        </Link>
                      ) : (
                        describeInFlight(p)
                      )}
                    </Typography>
                  ))}
                  {verdict && source && (
                    <Typography
                      variant="body2"
                      data-testid={`promote-reason-${rung.name}`}
                    >
                      {verdict.allowed
                        ? `${source.title}'s release can be promoted here: use "Promote to ${rung.title}" on the arrow before this rung.`
                        : `Promote to ${rung.title} is unavailable: ${verdict.reason}`}
                    </Typography>
                  )}
                </Section>
              )}
            </Grid>
            <Grid item xs={12} lg={6}>
              <Section title="Declared and observed values">
                <ValuesList rung={rung} />
              </Section>
              {rung.violations.length > 0 && (
                <Section title="Broken rules">
                  <BrokenRulesList violations={rung.violations} />
                </Section>
              )}
            </Grid>
          </Grid>
        )}
      </InfoCard>
    </div>
  );
}
