import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLadder } from '../../hooks/useLadder';
import { BrokenRulesSummary } from '../BrokenRules';
import { DeliveryMetricsStrip } from '../DeliveryMetricsStrip';
import { LadderRow } from '../LadderRow';
import { PromotionHistory } from '../PromotionHistory';
import { RungDetails } from '../RungDetails';

/** The query parameter that keeps the selected rung, so that a link can point at "payments / prod". */
export const RUNG_PARAM = 'rung';
const DETAILS_ID = 'environment-ladder-rung-details';

/**
 * The Environments tab: the whole ladder as one row in promotion order,
 * the broken rules in a few words above it, the selected rung's details
 * below it, then the promotions. It renders what the backend decided
 * (health data, promotion targets and their reasons); it decides nothing.
 */
export function EnvironmentsContent() {
  const { entity } = useEntity();
  const { value: ladder, loading, error } = useLadder();
  const compoundRef = getCompoundEntityRef(entity);
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = searchParams.get(RUNG_PARAM) ?? undefined;
  const [historyVersion, setHistoryVersion] = useState(0);
  const onRequested = useCallback(
    () => setHistoryVersion(version => version + 1),
    [],
  );
  const onSelect = useCallback(
    (rung: string) => {
      const next = new URLSearchParams(searchParams);
      if (next.get(RUNG_PARAM) === rung) next.delete(RUNG_PARAM);
      else next.set(RUNG_PARAM, rung);
      setSearchParams(next, { replace: true });
    },
    [searchParams, setSearchParams],
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
  const selectedRung = ladder.rungs.find(rung => rung.name === selected);
  return (
    <Box
      display="flex"
      flexDirection="column"
      style={{ gap: 16 }}
      data-testid="environments-tab"
    >
      <BrokenRulesSummary
        violations={ladder.violations}
        rungs={ladder.rungs}
        onSelect={rung => {
          if (rung !== selected) onSelect(rung);
        }}
      />
      <LadderRow
        ladder={ladder}
        now={now}
        selected={selectedRung?.name}
        onSelect={onSelect}
        detailsId={DETAILS_ID}
        onRequested={onRequested}
      />
      {selectedRung && (
        <RungDetails
          id={DETAILS_ID}
          ladder={ladder}
          rung={selectedRung}
          now={now}
        />
      )}
      <DeliveryMetricsStrip entityRef={compoundRef} />
      <PromotionHistory entityRef={compoundRef} refreshKey={historyVersion} />
    </Box>
  );
}
