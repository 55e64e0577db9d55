export { RegistryContent, MEDIA_TYPES, sha256Digest } from './RegistryContent';
export type { Descriptor, SerializedRegistryContent } from './RegistryContent';
export {
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_SIGN_PREDICATE,
  attachBundle,
  createMockSigstore,
  signWithKey,
  signatureTag,
  simpleSigningPayload,
} from './signing';
export type { MockSigstore } from './signing';
export { startFixtureRegistry, applySwitches } from './startFixtureRegistry';
export type {
  RegistryFault,
  RegistrySwitches,
  RunningFixtureRegistry,
} from './startFixtureRegistry';
export {
  DEMO_ISSUER,
  DEMO_SIGNATURES,
  demoWorkflow,
  generateDemoContent,
} from './demoContent';
export type { DemoSignature } from './demoContent';
