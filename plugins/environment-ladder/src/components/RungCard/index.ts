export { RungCard } from './RungCard';
export { HealthStatus } from './HealthStatus';
export { rungHealth, describeMovingRollout } from './rungHealth';
export type { RungHealth } from './rungHealth';
export { formatAge } from './formatAge';
export { describeComparison, describeRelation } from './describeComparison';
