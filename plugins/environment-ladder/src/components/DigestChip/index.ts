export { DigestChip } from './DigestChip';
