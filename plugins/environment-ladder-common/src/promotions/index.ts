export { checkPromotionRules, CI_SOURCE } from './checkPromotionRules';
export {
  describeFreezeEnd,
  findActiveFreeze,
  freezeWindowProblem,
} from './freezeWindows';
export type { ActiveFreeze, FreezeWindow } from './freezeWindows';
export type {
  PromotionGate,
  PromotionRefusal,
  PromotionRungRules,
  PromotionRulesResult,
} from './checkPromotionRules';
export { checkRollbackRules, rollbackCandidates } from './checkRollbackRules';
export type {
  RollbackCandidate,
  RollbackLedgerEntry,
} from './checkRollbackRules';
export { rollbackTargets } from './rollbackTargets';
export { describeRungPins, rungPins } from './rungPins';
export type { RungPins } from './rungPins';
export { isCanonicalDigest } from './isCanonicalDigest';
export { nextPromotionState } from './nextPromotionState';
export type { PromotionObservation } from './nextPromotionState';
export {
  IN_FLIGHT_PROMOTION_STATES,
  TERMINAL_PROMOTION_STATES,
  isPromotionInFlight,
  isPromotionTerminal,
} from './promotionStates';
export {
  PERMISSION_RULE,
  describeInFlight,
  promotionTargets,
} from './promotionTargets';
export { pullRequestText } from './pullRequestText';
export type { PullRequestTextInput } from './pullRequestText';
export {
  matchesPathGlob,
  pathGlobProblem,
  repositoryPathProblem,
  templatePlaceholders,
} from './gitOpsPaths';
export { renderPathTemplate } from './renderPathTemplate';
export type { PathTemplateValues } from './renderPathTemplate';
export { unifiedDiff } from './unifiedDiff';
export { updateImageDigest } from './updateImageDigest';
export type { ImageDigestEdit } from './updateImageDigest';
export type {
  InFlightPromotion,
  LadderOverridableRefusal,
  LadderPromotionTarget,
  LadderPromotions,
  LadderRollbackTarget,
  Promotion,
  PromotionDryRun,
  PromotionEvent,
  PromotionKind,
  PromotionPullRequest,
  PromotionRequest,
  PromotionResponse,
  PromotionState,
  RuleVerdict,
  SourceCommit,
} from './types';
