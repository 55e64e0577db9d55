export { DigestChip, shortDigest, tinyDigest } from './DigestChip';
