export { RungCard, describeComparison } from './RungCard';
