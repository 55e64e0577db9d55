export {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';
export type { LabelRequirement } from './labelSelector';
