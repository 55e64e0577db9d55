/**
 * Scaffolder module for Environment Ladder.
 *
 * @packageDocumentation
 */
export { scaffolderModuleEnvironmentLadder as default } from './module';
export { createPromoteAction } from './actions/promote';
