import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { LadderRung } from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ladderApiRef } from '../../api';
import { useLadder } from '../../hooks/useLadder';
import { PromoteButton } from '../PromoteButton';
import { PromotionHistory } from '../PromotionHistory';
import { RungCard } from '../RungCard';

/**
 * For each rung a digest can be promoted from, the rung right above it.
 * Preview rungs are neither source nor target, and a rung the suite does not
 * observe (such as local) has nothing to promote.
 */
function promotionTargets(rungs: LadderRung[]): Map<string, LadderRung> {
  const ladder = rungs.filter(rung => rung.kind !== 'preview');
  const targets = new Map<string, LadderRung>();
  ladder.forEach((rung, index) => {
    const above = ladder[index + 1];
    if (rung.observed && above) {
      targets.set(rung.name, above);
    }
  });
  return targets;
}

/** The Environments tab: every rung of the entity's ladder, highest first, and its promotions. */
export function EnvironmentsContent() {
  const { entity } = useEntity();
  const ladderApi = useApi(ladderApiRef);
  const { value: ladder, loading, error } = useLadder();
  const compoundRef = getCompoundEntityRef(entity);
  const entityRef = stringifyEntityRef(entity);
  const [historyVersion, setHistoryVersion] = useState(0);
  const onRequested = useCallback(
    () => setHistoryVersion(version => version + 1),
    [],
  );
  // Which rungs the policy lets this user promote into. When the question
  // cannot be answered the buttons stay enabled: the backend decides anyway.
  const targets = useAsync(
    () => ladderApi.getPromotionTargets(compoundRef),
    [ladderApi, compoundRef.kind, compoundRef.namespace, compoundRef.name],
  );

  if (!ladder && loading) {
    return <Progress />;
  }
  if (error && !ladder) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!ladder) {
    return null;
  }
  if (ladder.notSetUp) {
    return (
      <EmptyState
        missing="field"
        title="This entity is not on the ladder yet"
        description={ladder.notSetUp}
      />
    );
  }
  const now = new Date(ladder.generatedAt);
  const promotionTargetOf = promotionTargets(ladder.rungs);
  // A ladder is climbed upwards: the highest rung (prod) comes first.
  const topDown = [...ladder.rungs].reverse();
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
      {ladder.violations.length > 0 && (
        <Box role="region" aria-label="Broken ladder rules">
          <Typography variant="h6">
            {ladder.violations.length} broken ladder rule
            {ladder.violations.length === 1 ? '' : 's'}
          </Typography>
          {ladder.violations.map(violation => (
            <Typography
              key={`${violation.rung}-${violation.rule}-${violation.message}`}
              variant="body2"
              color={violation.severity === 'error' ? 'error' : 'textPrimary'}
            >
              {violation.rung}: {violation.message}
            </Typography>
          ))}
        </Box>
      )}
      {topDown.map(rung => {
        const target = promotionTargetOf.get(rung.name);
        return (
          <Box
            key={rung.name}
            data-testid={`ladder-row-${rung.name}`}
            display="flex"
            alignItems="flex-start"
            style={{ gap: 12 }}
          >
            <Box flex="1 1 auto" minWidth={0}>
              <RungCard rung={rung} now={now} />
            </Box>
            <Box flex="0 0 200px" pt={2}>
              {target && (
                <PromoteButton
                  entityRef={entityRef}
                  source={rung}
                  target={target}
                  targetsLoading={targets.loading}
                  targetAllowed={
                    targets.value?.find(t => t.environment === target.name)
                      ?.allowed
                  }
                  onRequested={onRequested}
                />
              )}
            </Box>
          </Box>
        );
      })}
      <PromotionHistory entityRef={compoundRef} refreshKey={historyVersion} />
    </Box>
  );
}
