import type {
  InFlightPromotion,
  Ladder,
  LadderPromotionTarget,
  LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import type { PromotionResponse } from '@environment-ladder/plugin-environment-ladder-common';
import { PromoteButton, RollbackButton } from '../PromoteButton';
import { RungCard, describeRelation } from '../RungCard';

/** The narrowest a card gets before the row wraps, and the connector's width, in px. */
const CARD_MIN = 150;
const CONNECTOR = 92;

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'stretch',
    rowGap: theme.spacing(2),
  },
  // A connector and the card after it wrap together: a line never ends on an arrow.
  segment: {
    display: 'flex',
    alignItems: 'stretch',
    flex: `1 1 ${CARD_MIN}px`,
    minWidth: CARD_MIN,
  },
  segmentWithConnector: {
    flex: `1 1 ${CARD_MIN + CONNECTOR}px`,
    minWidth: CARD_MIN + CONNECTOR,
  },
  connector: {
    flex: `0 0 ${CONNECTOR}px`,
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    padding: theme.spacing(0, 0.5),
    gap: theme.spacing(0.5),
    textAlign: 'center',
  },
  card: {
    flex: '1 1 0',
    minWidth: 0,
    display: 'flex',
    flexDirection: 'column',
  },
  arrow: { color: theme.palette.text.secondary },
}));

/** The rung below `index` that a relation compares with: the next observed, non-preview one. */
function rungBelow(rungs: LadderRung[], index: number): LadderRung | undefined {
  for (let i = index - 1; i >= 0; i--) {
    if (rungs[i].observed && rungs[i].kind !== 'preview') return rungs[i];
  }
  return undefined;
}

/** Between two cards: how the right rung relates to its rung below, and the promotion into it. */
function Connector(props: {
  entityRef: string;
  rungs: LadderRung[];
  index: number;
  verdict?: LadderPromotionTarget;
  onRequested?: (result: PromotionResponse) => void;
}) {
  const { entityRef, rungs, index, verdict, onRequested } = props;
  const classes = useStyles();
  const upper = rungs[index];
  const relation =
    upper.kind === 'preview'
      ? null
      : describeRelation(upper, rungBelow(rungs, index));
  const source = verdict
    ? rungs.find(rung => rung.name === verdict.sourceEnvironment)
    : undefined;
  return (
    <Box className={classes.connector} data-testid={`connector-${upper.name}`}>
      <ArrowForwardIcon className={classes.arrow} aria-hidden />
      {relation && (
        <Typography
          variant="caption"
          component="div"
          title={relation.sentence}
          data-testid={`comparison-${upper.name}`}
        >
          {relation.short}
        </Typography>
      )}
      {verdict && source && (
        <PromoteButton
          entityRef={entityRef}
          source={source}
          target={upper}
          verdict={verdict}
          onRequested={onRequested}
          compact
        />
      )}
    </Box>
  );
}

/**
 * The whole ladder as one row, in promotion order from left to right, each
 * rung a compact card with a connector before it. On narrow widths the row
 * wraps, a connector always staying with the card it leads to.
 */
export function LadderRow(props: {
  ladder: Ladder;
  now: Date;
  selected?: string;
  onSelect: (rung: string) => void;
  detailsId: string;
  onRequested?: (result: PromotionResponse) => void;
}) {
  const { ladder, now, selected, onSelect, detailsId, onRequested } = props;
  const classes = useStyles();
  const { rungs } = ladder;
  const inFlightInto = (name: string): InFlightPromotion | undefined =>
    ladder.promotions?.inFlight.find(p => p.targetEnvironment === name);
  const rollbackOf = (name: string) =>
    ladder.promotions?.rollbackTargets?.find(t => t.targetEnvironment === name);
  return (
    <Box
      className={classes.row}
      role="list"
      aria-label="The ladder, in promotion order"
      data-testid="ladder-row"
    >
      {rungs.map((rung, index) => (
        <Box
          key={rung.name}
          role="listitem"
          className={`${classes.segment} ${
            index > 0 ? classes.segmentWithConnector : ''
          }`}
          data-testid={`ladder-row-${rung.name}`}
        >
          {index > 0 && (
            <Connector
              entityRef={ladder.entityRef}
              rungs={rungs}
              index={index}
              verdict={ladder.promotions?.targets.find(
                t => t.targetEnvironment === rung.name,
              )}
              onRequested={onRequested}
            />
          )}
          <Box className={classes.card}>
            <RungCard
              rung={rung}
              now={now}
              selected={selected === rung.name}
              onSelect={onSelect}
              detailsId={detailsId}
              inFlight={inFlightInto(rung.name)}
              freeze={
                ladder.promotions?.targets.find(
                  t => t.targetEnvironment === rung.name,
                )?.freeze
              }
            />
            {rollbackOf(rung.name) && (
              <RollbackButton
                entityRef={ladder.entityRef}
                target={rung}
                verdict={rollbackOf(rung.name)!}
                onRequested={onRequested}
              />
            )}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
