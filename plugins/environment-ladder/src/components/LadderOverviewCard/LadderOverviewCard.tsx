import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  shortDigest,
  type LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import { useLadder } from '../../hooks/useLadder';
import { describeComparison, HealthStatus, rungHealth } from '../RungCard';

/** One line per rung: what runs there and whether anything is wrong. */
export function summarizeRung(rung: LadderRung): string {
  if (!rung.observed) return 'not observed';
  if (rung.error) return rung.error.message;
  const what =
    rung.digests.length === 0
      ? 'nothing running'
      : rung.digests
          .map(digest => shortDigest(digest, { ellipsis: false }))
          .join(' + ');
  const parts = [what];
  const comparison = describeComparison(rung.comparedToBelow);
  if (comparison) parts.push(comparison.toLowerCase());
  if (rung.violations.length > 0) {
    parts.push(
      `${rung.violations.length} broken rule${
        rung.violations.length === 1 ? '' : 's'
      }`,
    );
  }
  return parts.join(' · ');
}

/**
 * The overview card: the ladder in one line per rung, in the tab's order (lowest
 * first), each with its health in an icon and words, linking to that rung's
 * details on the Environments tab.
 */
export function LadderOverviewCard() {
  const { value: ladder, loading, error } = useLadder();
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const tab = `${entityRoute(entityRouteParams(entity))}/environments`;
  return (
    <InfoCard
      title="Environments"
      deepLink={{ title: 'Open the Environments tab', link: tab }}
    >
      {!ladder && loading && <Progress />}
      {error && !ladder && <ResponseErrorPanel error={error} />}
      {ladder?.notSetUp}
      {ladder && !ladder.notSetUp && (
        <List dense>
          {ladder.rungs.map(rung => (
            <ListItem key={rung.name} data-testid={`summary-${rung.name}`}>
              <ListItemText
                disableTypography
                primary={
                  <Link to={`${tab}?rung=${encodeURIComponent(rung.name)}`}>
                    {rung.title}
                  </Link>
                }
                secondary={
                  <>
                    <HealthStatus health={rungHealth(rung)} />
                    <Typography variant="body2" color="textSecondary">
                      {summarizeRung(rung)}
                    </Typography>
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
