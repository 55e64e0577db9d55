export { LadderOverviewTable } from './LadderOverviewTable';
export { OverviewCellView, describeRelation } from './OverviewCellView';
