export { PromoteButton } from './PromoteButton';
export { RollbackButton } from './RollbackButton';
