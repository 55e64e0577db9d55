export type {
  LadderOverview,
  OverviewCell,
  OverviewFilter,
  OverviewRow,
  OverviewRung,
  OverviewService,
} from './types';
export { summarizeLadder } from './summarizeLadder';
export { matchesOverviewFilter } from './matchesOverviewFilter';
