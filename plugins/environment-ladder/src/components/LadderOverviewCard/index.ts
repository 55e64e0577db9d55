export { LadderOverviewCard, summarizeRung } from './LadderOverviewCard';
