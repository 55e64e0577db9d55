export { EnvironmentLadderTargetPicker } from './EnvironmentLadderTargetPicker';
export { validateEnvironmentLadderTarget } from './validateTarget';
export {
  TARGET_PICKER_FIELD_NAME,
  type TargetPickerUiOptions,
} from './targetPickerModel';
