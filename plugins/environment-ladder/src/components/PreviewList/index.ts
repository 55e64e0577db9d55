export { PreviewList, flagHeadline } from './PreviewList';
