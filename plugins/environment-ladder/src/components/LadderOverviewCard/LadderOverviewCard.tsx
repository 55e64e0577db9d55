import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import type { LadderRung } from '@environment-ladder/plugin-environment-ladder-common';
import { useLadder } from '../../hooks/useLadder';
import { shortDigest } from '../DigestChip';
import { describeComparison } from '../RungCard';

/** One line per rung: what runs there and whether anything is wrong. */
export function summarizeRung(rung: LadderRung): string {
  if (!rung.observed) return 'not observed';
  if (rung.error) return rung.error.message;
  const what =
    rung.digests.length === 0
      ? 'nothing running'
      : rung.digests.map(shortDigest).join(' + ');
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

/** The overview card: the ladder in one line per rung. */
export function LadderOverviewCard() {
  const { value: ladder, loading, error } = useLadder();
  return (
    <InfoCard title="Environments">
      {!ladder && loading && <Progress />}
      {error && !ladder && <ResponseErrorPanel error={error} />}
      {ladder?.notSetUp}
      {ladder && !ladder.notSetUp && (
        <List dense>
          {ladder.rungs.map(rung => (
            <ListItem key={rung.name} data-testid={`summary-${rung.name}`}>
              <ListItemText
                primary={rung.title}
                secondary={summarizeRung(rung)}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
