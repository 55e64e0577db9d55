export { DigestChip, shortDigest } from './DigestChip';
