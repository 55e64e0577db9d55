/**
 * The wire contract of the Environment Ladder suite (what the backend
 * answers and the frontend, the scaffolder action and `inspect` read), its
 * permissions and signals, and the pure domain that builds a ladder from
 * Kubernetes objects. Helpers the domain uses internally are not exported.
 *
 * @packageDocumentation
 */

export type {
  AnalysisMetricResult,
  AnalysisPhase,
  AnalysisRunStatus,
  DeclaredRungValues,
  Digest,
  Ladder,
  LadderRung,
  LadderViolation,
  ObservedRungValues,
  ReplicaCounts,
  RolloutImage,
  RolloutPhase,
  RolloutStatus,
  RungComparison,
  RungObjects,
  RungResult,
  RunningImage,
  WorkloadStatus,
} from './types';
export type {
  PreviewDiscoveryConfig,
  PreviewDiscoveryInput,
  PreviewEnvironment,
  PreviewFlag,
  PreviewHealth,
  PreviewNameTemplatePart,
  PreviewPullRequestState,
  PreviewWorkloadSummary,
} from './previews/types';
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
} from './promotions/types';

export * from './annotations';
export * from './permissions';
export * from './signals';

export { buildLadder } from './domain/buildLadder';
export { emptyRungObjects } from './domain/emptyRungObjects';
export { getRolloutStatus } from './domain/getRolloutStatus';
export { observeWorkloads } from './domain/observeWorkloads';
export { shortDigest } from './domain/shortDigest';

export {
  LADDER_OBJECT_KINDS,
  type LadderObjectKind,
} from './kubernetes/ladderObjectKinds';
export {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
  type LabelRequirement,
} from './kubernetes/labelSelector';

export { comparePreviews } from './previews/comparePreviews';
export {
  findPreviews,
  type FindPreviewsOptions,
} from './previews/findPreviews';
export { ingressUrls } from './previews/ingressUrls';
export { parsePreviewNameTemplate } from './previews/parsePreviewNameTemplate';
export { substituteTemplateParameters } from './previews/substituteTemplateParameters';
export { validatePreviewNameTemplate } from './previews/validatePreviewNameTemplate';

export {
  checkPromotionRules,
  CI_SOURCE,
  type PromotionGate,
  type PromotionRefusal,
  type PromotionRungRules,
  type PromotionRulesResult,
} from './promotions/checkPromotionRules';
export {
  checkRollbackRules,
  rollbackCandidates,
  type RollbackCandidate,
  type RollbackLedgerEntry,
} from './promotions/checkRollbackRules';
export { rollbackTargets } from './promotions/rollbackTargets';
export {
  describeRungPins,
  rungPins,
  type RungPins,
} from './promotions/rungPins';
export {
  describeFreezeEnd,
  findActiveFreeze,
  freezeWindowProblem,
  type ActiveFreeze,
  type FreezeWindow,
} from './promotions/freezeWindows';
export {
  nextPromotionState,
  type PromotionObservation,
} from './promotions/nextPromotionState';
export {
  isPromotionInFlight,
  isPromotionTerminal,
} from './promotions/promotionStates';
export {
  pullRequestText,
  type PullRequestTextInput,
} from './promotions/pullRequestText';
export {
  renderPathTemplate,
  type PathTemplateValues,
} from './promotions/renderPathTemplate';
export {
  matchesPathGlob,
  pathGlobProblem,
  repositoryPathProblem,
  templatePlaceholders,
} from './promotions/gitOpsPaths';
export {
  PERMISSION_RULE,
  describeInFlight,
  promotionTargets,
} from './promotions/promotionTargets';
export { unifiedDiff } from './promotions/unifiedDiff';
export {
  updateImageDigest,
  type ImageDigestEdit,
} from './promotions/updateImageDigest';
export * from './overview';
export * from './signatures';
export * from './metrics';
