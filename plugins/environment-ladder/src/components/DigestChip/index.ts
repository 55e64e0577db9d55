export { DigestChip, tinyDigest } from './DigestChip';
