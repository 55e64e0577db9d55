export { RolloutProgress } from './RolloutProgress';
