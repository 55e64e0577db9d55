export { RungSignatures, SignatureBadge } from './SignatureBadge';
