export {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';
export type { LabelRequirement } from './labelSelector';
export { LADDER_OBJECT_KINDS } from './ladderObjectKinds';
export type { LadderObjectKind } from './ladderObjectKinds';
