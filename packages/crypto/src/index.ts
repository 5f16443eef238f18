// @m2m/crypto: authenticated and encrypted M2M frames, key hierarchy, X25519, keyring, replay protection.
export {
  assertBytes,
  constantTimeEqual,
  fromHex,
  isBytes,
  parseKey,
  toHex,
  wipe,
} from "./bytes.js";
export { CryptoErrorCode } from "./errors.js";
export {
  AeadCipher,
  type FrameKeySource,
  FrameProtection,
  type FrameSecurityInfo,
  type OpenedFrame,
  openFrame,
  openFrameDetailed,
  peekFrameSecurity,
  type ReceivePolicy,
  type ReplayChecker,
  type SealOptions,
  sealFrame,
} from "./frame.js";
export {
  assertFrameKey,
  FRAME_KEY_BYTES,
  type FrameKey,
  isValidKeyId,
  MAX_KEY_ID_BYTES,
} from "./frame-key.js";
export { deriveKey, KDF_VERSION, KeyHierarchy, KeyPurpose, RESERVED_AGENT_IDS } from "./hierarchy.js";
export { Keyring, type KeyringOptions } from "./keyring.js";
export { HKDF_SHA256_MAX_LENGTH, hkdfSha256, hmacSha256, randomBytes } from "./primitives.js";
export { ReplayGuard, type ReplayGuardOptions } from "./replay-guard.js";
export { NONCE_BYTES, type SecurityParams } from "./security-params.js";
export {
  deriveX25519SessionKeys,
  generateX25519KeyPair,
  type SessionKeys,
  X25519_KEY_BYTES,
  type X25519KeyPair,
  type X25519SessionInput,
  x25519PublicKey,
  x25519SharedSecret,
} from "./x25519.js";
