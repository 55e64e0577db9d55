export { LadderRow } from './LadderRow';
