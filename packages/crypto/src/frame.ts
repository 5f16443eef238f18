import {
  decodeUtf8,
  detectFormat,
  encodeUtf8,
  M2MError,
  resolveLimits,
  V1Security,
  V2Flag,
  V2Security,
  v1BinaryToText,
  v1TextToBinary,
  v2BinaryToText,
  v2TextToBinary,
  WireErrorCode,
  WireFormat,
  type WireLimits,
} from "@m2m/wire";
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { assertBytes, constantTimeEqual, isBytes } from "./bytes.js";
import { authFailed, CryptoErrorCode, invalidArgument } from "./errors.js";
import { assertFrameKey, type FrameKey, isAllZero } from "./frame-key.js";
import { scanV1, scanV2 } from "./layout.js";
import { hmacSha256 } from "./primitives.js";
import { fillRandom } from "./random-pool.js";
import { decodeSecurityParams, NONCE_BYTES, writeSecurityParams } from "./security-params.js";

/**
 * Protection levels, weakest first. A receiver requires a minimum; anything weaker is refused.
 *
 * @example openFrame(frame, { require: FrameProtection.AEAD, keys })
 */
export const FrameProtection = { NONE: "none", HMAC: "hmac", AEAD: "aead" } as const;
export type FrameProtection = (typeof FrameProtection)[keyof typeof FrameProtection];

/**
 * AEAD ciphers a v2 frame can use. v1 frames always use ChaCha20-Poly1305 (the reference layout).
 *
 * @example sealFrame(frame, key, { cipher: AeadCipher.CHACHA20_POLY1305 })
 */
export const AeadCipher = {
  XCHACHA20_POLY1305: "xchacha20-poly1305",
  CHACHA20_POLY1305: "chacha20-poly1305",
} as const;
export type AeadCipher = (typeof AeadCipher)[keyof typeof AeadCipher];

const RANK: Readonly<Record<FrameProtection, number>> = { none: 0, hmac: 1, aead: 2 };
const V1_PREFIX_BYTES = 7;
const HMAC_TAG_BYTES = 32;
const AEAD_TAG_BYTES = 16;
const V1_NONCE_BYTES = 12;
/** v1 frames carry no key id, so a receiver tries each candidate key; bound that work. */
const MAX_V1_CANDIDATE_KEYS = 8;

/** Options of {@link sealFrame}. */
export interface SealOptions {
  /** `aead` (default) encrypts the payload; `hmac` only authenticates it. */
  readonly mode?: "hmac" | "aead";
  /** v2 only: the AEAD cipher (default XChaCha20-Poly1305, 24-byte random nonce). */
  readonly cipher?: AeadCipher;
  /** v2 only: clock in ms since the epoch for the authenticated timestamp (default `Date.now`). */
  readonly now?: () => number;
  /**
   * A fixed nonce, **for test vectors only**: reusing a nonce with the same key breaks AEAD.
   * Length must match the mode (v1 AEAD 12; v2 XChaCha 24, ChaCha 12, HMAC 16).
   */
  readonly nonce?: Uint8Array;
  /** Wire limits applied while parsing the input frame. */
  readonly limits?: Partial<WireLimits>;
}

/**
 * Where a receiver finds keys: {@link Keyring} implements it; any object with these two methods
 * works (a database-backed store, say). Arrays of {@link FrameKey} are accepted too.
 */
export interface FrameKeySource {
  /** The valid key with this id, or undefined. */
  get(id: string): FrameKey | undefined;
  /** Every valid key (v1 frames carry no key id, so the receiver tries these). */
  all(): FrameKey[];
}

/** Replay memory: {@link ReplayGuard} implements it. Throws `CRYPTO_REPLAY` to refuse a frame. */
export interface ReplayChecker {
  check(keyId: string, timestamp: number, nonce: Uint8Array): void;
}

/** What a receiver accepts. Nothing in the frame itself can lower these requirements. */
export interface ReceivePolicy {
  /** Minimum protection: `none` < `hmac` < `aead`. Frames claiming less are refused (`CRYPTO_POLICY_REFUSED`). */
  readonly require: FrameProtection;
  /** Keys to verify with: a {@link Keyring} (lookup by the frame's key id, grace periods honoured) or a list. */
  readonly keys?: FrameKeySource | readonly FrameKey[];
  /** When set, only these key ids are accepted, whatever the keyring holds. */
  readonly acceptKeyIds?: readonly string[];
  /**
   * Replay protection. When set, only v2 secured frames are accepted (v1 and unsecured frames
   * carry no authenticated timestamp or nonce) and every frame is checked against the guard.
   */
  readonly replay?: ReplayChecker;
  /** Accept v1 frames (reference layout, no key id, no replay protection). Default: true unless `replay` is set. */
  readonly allowV1?: boolean;
  /** Wire limits applied while parsing. */
  readonly limits?: Partial<WireLimits>;
}

/** The result of {@link openFrameDetailed}. */
export interface OpenedFrame {
  /** The frame with its protection removed (security NONE / no security section), in the input's form. */
  readonly frame: Uint8Array;
  readonly version: 1 | 2;
  readonly protection: FrameProtection;
  /** The AEAD cipher used, or null. */
  readonly cipher: AeadCipher | null;
  /** Key id from the authenticated header (v2), the id of the key that verified (v1), or null when unprotected. */
  readonly keyId: string | null;
  /** Authenticated timestamp in ms since the epoch (v2 secured frames), else null. */
  readonly timestamp: number | null;
}

interface Parsed {
  readonly version: 1 | 2;
  readonly text: boolean;
  readonly binary: Uint8Array;
}

function parseInput(frame: Uint8Array, limits: Partial<WireLimits>, what: string): Parsed {
  if (!isBytes(frame)) throw invalidArgument(`"frame" expected Uint8Array, got ${typeof frame}`);
  const detected = detectFormat(frame);
  if (detected.format === WireFormat.M2M_V1) {
    if (detected.form === "binary") return { version: 1, text: false, binary: frame };
    return { version: 1, text: true, binary: v1TextToBinary(asciiText(frame), limits) };
  }
  if (detected.format === WireFormat.M2M_V2) {
    if (detected.form === "binary") return { version: 2, text: false, binary: frame };
    return { version: 2, text: true, binary: v2TextToBinary(asciiText(frame), limits) };
  }
  if (detected.format === WireFormat.M2M_UNKNOWN_VERSION)
    throw new M2MError(WireErrorCode.UNSUPPORTED_VERSION, `cannot ${what} a frame of an unknown M2M version`);
  throw new M2MError(WireErrorCode.BAD_PREFIX, `cannot ${what}: not an M2M v1 or v2 frame`);
}

function asciiText(frame: Uint8Array): string {
  return decodeUtf8(frame);
}

function toForm(binary: Uint8Array, version: 1 | 2, text: boolean): Uint8Array {
  if (!text) return binary;
  return encodeUtf8(version === 1 ? v1BinaryToText(binary) : v2BinaryToText(binary));
}

function aead(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  return cipher === AeadCipher.XCHACHA20_POLY1305
    ? xchacha20poly1305(key, nonce, aad)
    : chacha20poly1305(key, nonce, aad);
}

function v2Mode(mode: "hmac" | "aead", cipher: AeadCipher): V2Security {
  if (mode === "hmac") return V2Security.HMAC_SHA256;
  return cipher === AeadCipher.XCHACHA20_POLY1305
    ? V2Security.XCHACHA20_POLY1305
    : V2Security.CHACHA20_POLY1305;
}

/**
 * `bytes`, or a copy when it does not start on a 4-byte boundary: noble's ChaCha runs about twice
 * as slow on unaligned views (measured), and frame sections start at arbitrary offsets. A copy of
 * the payload costs far less than the slow path.
 */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
}

/** Write the nonce (fixed for test vectors, else fresh random) into `out` at `at`. */
function writeNonce(options: SealOptions, length: number, out: Uint8Array, at: number): void {
  if (options.nonce === undefined) fillRandom(out, at, length);
  else out.set(assertBytes(options.nonce, "nonce", [length]), at);
}

/**
 * Protect an unprotected M2M frame (v1 or v2, binary or text form; the output has the same
 * version and form). `aead` (default) encrypts the payload with the headers as associated data,
 * so routers still read them; `hmac` appends an HMAC-SHA256 tag. v1 uses the reference layouts
 * (no key id, no timestamp). v2 carries the key id, a timestamp and a random nonce in the
 * authenticated security section; its default cipher is XChaCha20-Poly1305.
 *
 * @example
 * const sealed = sealFrame(compress(json), { id: "k1", key }, { mode: "aead" });
 * const plainFrame = openFrame(sealed, { require: "aead", keys: [{ id: "k1", key }] });
 */
export function sealFrame(frame: Uint8Array, key: FrameKey, options: SealOptions = {}): Uint8Array {
  const frameKey = assertFrameKey(key);
  const mode = options.mode ?? "aead";
  if (mode !== "hmac" && mode !== "aead") throw invalidArgument(`"mode" must be "hmac" or "aead"`);
  const cipher = options.cipher ?? AeadCipher.XCHACHA20_POLY1305;
  if (cipher !== AeadCipher.XCHACHA20_POLY1305 && cipher !== AeadCipher.CHACHA20_POLY1305)
    throw invalidArgument(`"cipher" must be "xchacha20-poly1305" or "chacha20-poly1305"`);
  const limits = options.limits ?? {};
  const input = parseInput(frame, limits, "seal");
  const out =
    input.version === 1
      ? sealV1(input.binary, frameKey, mode, options, limits)
      : sealV2(input.binary, frameKey, v2Mode(mode, cipher), options, limits);
  return toForm(out, input.version, input.text);
}

function sealV1(
  binary: Uint8Array,
  frameKey: FrameKey,
  mode: "hmac" | "aead",
  options: SealOptions,
  limits: Partial<WireLimits>,
): Uint8Array {
  if (options.cipher === AeadCipher.XCHACHA20_POLY1305)
    throw invalidArgument("v1 frames support only ChaCha20-Poly1305 (the reference layout)");
  const layout = scanV1(binary, resolveLimits(limits));
  if (layout.security !== V1Security.NONE) throw invalidArgument("the frame is already protected");
  if (layout.payloadEnd !== binary.length)
    throw invalidArgument("the frame has trailing bytes after its payload");
  const { headerEnd } = layout;
  if (mode === "hmac") {
    const out = new Uint8Array(binary.length + HMAC_TAG_BYTES);
    out.set(binary);
    out[V1_PREFIX_BYTES + 3] = V1Security.HMAC;
    out.set(hmacSha256(frameKey.key, out.subarray(V1_PREFIX_BYTES, binary.length)), binary.length);
    return out;
  }
  // prefix ‖ header (security = AEAD) ‖ nonce ‖ ChaCha20-Poly1305(payload_len ‖ crc ‖ payload) ‖ tag
  const plaintext = binary.subarray(headerEnd);
  const out = new Uint8Array(headerEnd + V1_NONCE_BYTES + plaintext.length + AEAD_TAG_BYTES);
  out.set(binary.subarray(0, headerEnd));
  out[V1_PREFIX_BYTES + 3] = V1Security.AEAD;
  writeNonce(options, V1_NONCE_BYTES, out, headerEnd);
  const nonce = out.subarray(headerEnd, headerEnd + V1_NONCE_BYTES);
  const aad = out.subarray(V1_PREFIX_BYTES, headerEnd);
  out.set(chacha20poly1305(frameKey.key, nonce, aad).encrypt(aligned(plaintext)), headerEnd + V1_NONCE_BYTES);
  return out;
}

function sealV2(
  binary: Uint8Array,
  frameKey: FrameKey,
  mode: V2Security,
  options: SealOptions,
  limits: Partial<WireLimits>,
): Uint8Array {
  const layout = scanV2(binary, resolveLimits(limits));
  if (layout.security) throw invalidArgument("the frame is already protected");
  const now = (options.now ?? Date.now)();
  if (!Number.isSafeInteger(now) || now < 0)
    throw invalidArgument(`"now()" must return a non-negative integer`);
  const nonceLength = NONCE_BYTES[mode];
  const isHmac = mode === V2Security.HMAC_SHA256;
  // New header: pre ‖ mode ‖ len(params) ‖ params ‖ originalLength, spliced from the original
  // bytes (routing is not re-encoded). params ≤ 1+64+8+24 = 97 bytes, so its length is one byte.
  const paramsLength = 1 + frameKey.id.length + 8 + nonceLength;
  const { preEnd, headerEnd, payloadStart, payloadEnd } = layout;
  const newHeaderEnd = headerEnd + 2 + paramsLength;
  const body = isHmac ? binary.subarray(headerEnd) : binary.subarray(headerEnd, payloadStart);
  const tagBytes = isHmac ? HMAC_TAG_BYTES : AEAD_TAG_BYTES;
  const payloadBytes = isHmac ? 0 : payloadEnd - payloadStart;
  const out = new Uint8Array(newHeaderEnd + body.length + payloadBytes + tagBytes);
  out.set(binary.subarray(0, preEnd));
  let at = preEnd;
  out[at++] = mode;
  out[at++] = paramsLength;
  const nonceAt = writeSecurityParams(out, at, frameKey.id, now);
  writeNonce(options, nonceLength, out, nonceAt);
  at = nonceAt + nonceLength;
  out.set(binary.subarray(preEnd, headerEnd), at);
  let flags = out[3]! | V2Flag.SECURED;
  // A plaintext checksum must not travel beside ciphertext; the AEAD tag covers integrity.
  if (!isHmac) flags &= ~V2Flag.CHECKSUM;
  out[3] = flags;
  out.set(body, newHeaderEnd);
  if (isHmac) {
    const end = out.length - HMAC_TAG_BYTES;
    out.set(hmacSha256(frameKey.key, out.subarray(0, end)), end);
    return out;
  }
  const cipher =
    mode === V2Security.XCHACHA20_POLY1305 ? AeadCipher.XCHACHA20_POLY1305 : AeadCipher.CHACHA20_POLY1305;
  const nonce = out.subarray(nonceAt, nonceAt + nonceLength);
  out.set(
    aead(cipher, frameKey.key, nonce, out.subarray(0, newHeaderEnd)).encrypt(
      aligned(binary.subarray(payloadStart, payloadEnd)),
    ),
    newHeaderEnd + body.length,
  );
  return out;
}

/**
 * Verify (and decrypt) a frame under the receiver's policy and return the unprotected frame,
 * ready for `@m2m/codec`. Refuses frames weaker than `policy.require` (`CRYPTO_POLICY_REFUSED`),
 * any authentication failure (`CRYPTO_AUTH_FAILED`, no detail) and replays (`CRYPTO_REPLAY`).
 * Malformed frames give `WIRE_*` errors. Never throws anything but `M2MError` on bad input.
 *
 * @example const plain = openFrame(sealed, { require: "aead", keys: ring, replay: guard });
 */
export function openFrame(frame: Uint8Array, policy: ReceivePolicy): Uint8Array {
  return openFrameDetailed(frame, policy).frame;
}

/**
 * {@link openFrame}, also returning the version, protection, key id and timestamp.
 *
 * @example const { frame: plain, keyId, timestamp } = openFrameDetailed(sealed, { require: "aead", keys: ring });
 */
export function openFrameDetailed(frame: Uint8Array, policy: ReceivePolicy): OpenedFrame {
  checkPolicy(policy);
  const limits = policy.limits ?? {};
  const input = parseInput(frame, limits, "open");
  if (input.version === 1) {
    if (!(policy.allowV1 ?? policy.replay === undefined)) {
      throw new M2MError(CryptoErrorCode.POLICY_REFUSED, "v1 frames are not accepted by this receiver");
    }
    return openV1(input, policy, limits);
  }
  return openV2(input, policy, limits);
}

function checkPolicy(policy: ReceivePolicy): void {
  if (typeof policy !== "object" || policy === null)
    throw invalidArgument(`"policy" expected a ReceivePolicy`);
  if (RANK[policy.require] === undefined || !Object.hasOwn(RANK, policy.require))
    throw invalidArgument(`"policy.require" must be "none", "hmac" or "aead"`);
  if (policy.replay !== undefined && typeof policy.replay?.check !== "function")
    throw invalidArgument(`"policy.replay" expected a ReplayGuard`);
  const keys = policy.keys as unknown;
  if (
    keys !== undefined &&
    !Array.isArray(keys) &&
    (typeof (keys as FrameKeySource).get !== "function" || typeof (keys as FrameKeySource).all !== "function")
  ) {
    throw invalidArgument(`"policy.keys" expected a Keyring or an array of FrameKey`);
  }
}

function refuseWeaker(policy: ReceivePolicy, protection: FrameProtection): void {
  if (RANK[protection] < RANK[policy.require]) {
    throw new M2MError(
      CryptoErrorCode.POLICY_REFUSED,
      `frame protection "${protection}" is below the required "${policy.require}"`,
    );
  }
  if (policy.replay !== undefined && protection === FrameProtection.NONE) {
    throw new M2MError(CryptoErrorCode.POLICY_REFUSED, "unprotected frames cannot be checked for replay");
  }
}

function idAccepted(policy: ReceivePolicy, id: string): boolean {
  return policy.acceptKeyIds === undefined || policy.acceptKeyIds.includes(id);
}

function lookupKey(policy: ReceivePolicy, id: string): FrameKey | undefined {
  if (!idAccepted(policy, id)) return undefined;
  const keys = policy.keys;
  if (keys === undefined) return undefined;
  if (isKeyList(keys)) return keys.find((k) => k.id === id);
  return keys.get(id);
}

function candidateKeys(policy: ReceivePolicy): FrameKey[] {
  const keys = policy.keys;
  if (keys === undefined) return [];
  const all = isKeyList(keys) ? [...keys] : keys.all();
  return all.filter((k) => idAccepted(policy, k.id)).slice(0, MAX_V1_CANDIDATE_KEYS);
}

// Duck-typed rather than instanceof, so a Keyring from another copy of this package still works.
function isKeyList(keys: FrameKeySource | readonly FrameKey[]): keys is readonly FrameKey[] {
  return Array.isArray(keys);
}

function usableKey(k: FrameKey): boolean {
  return isBytes(k.key) && k.key.length === 32 && !isAllZero(k.key);
}

function v1Protection(security: V1Security): FrameProtection {
  return security === V1Security.HMAC
    ? FrameProtection.HMAC
    : security === V1Security.AEAD
      ? FrameProtection.AEAD
      : FrameProtection.NONE;
}

function openV1(input: Parsed, policy: ReceivePolicy, limits: Partial<WireLimits>): OpenedFrame {
  const binary = input.binary;
  const layout = scanV1(binary, resolveLimits(limits));
  const protection = v1Protection(layout.security);
  refuseWeaker(policy, protection);
  const base = { version: 1, protection, timestamp: null } as const;
  if (protection === FrameProtection.NONE) {
    return { ...base, cipher: null, keyId: null, frame: toForm(binary, 1, input.text) };
  }
  const keys = candidateKeys(policy).filter(usableKey);
  const { headerEnd } = layout;
  if (protection === FrameProtection.HMAC) {
    if (binary.length - layout.payloadEnd !== HMAC_TAG_BYTES) throw authFailed();
    const end = layout.payloadEnd;
    const covered = binary.subarray(V1_PREFIX_BYTES, end);
    const tag = binary.subarray(end);
    for (const k of keys) {
      if (constantTimeEqual(hmacSha256(k.key, covered), tag)) {
        const out = binary.slice(0, end);
        out[V1_PREFIX_BYTES + 3] = V1Security.NONE;
        return { ...base, cipher: null, keyId: k.id, frame: toForm(out, 1, input.text) };
      }
    }
    throw authFailed();
  }
  const nonce = binary.subarray(headerEnd, headerEnd + V1_NONCE_BYTES);
  const sealed = binary.subarray(headerEnd + V1_NONCE_BYTES);
  const aad = binary.subarray(V1_PREFIX_BYTES, headerEnd);
  const ciphertext = aligned(sealed);
  for (const k of keys) {
    let plaintext: Uint8Array;
    try {
      plaintext = chacha20poly1305(k.key, nonce, aad).decrypt(ciphertext);
    } catch {
      continue;
    }
    // Authentic but inconsistent (a broken sender): still refuse with the one generic error.
    if (plaintext.length < 8) throw authFailed();
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    if (view.getUint32(0, true) !== plaintext.length - 8) throw authFailed();
    const out = new Uint8Array(headerEnd + plaintext.length);
    out.set(binary.subarray(0, headerEnd));
    out[V1_PREFIX_BYTES + 3] = V1Security.NONE;
    out.set(plaintext, headerEnd);
    return {
      ...base,
      cipher: AeadCipher.CHACHA20_POLY1305,
      keyId: k.id,
      frame: toForm(out, 1, input.text),
    };
  }
  throw authFailed();
}

function v2Cipher(mode: V2Security): AeadCipher | null {
  return mode === V2Security.HMAC_SHA256
    ? null
    : mode === V2Security.XCHACHA20_POLY1305
      ? AeadCipher.XCHACHA20_POLY1305
      : AeadCipher.CHACHA20_POLY1305;
}

function openV2(input: Parsed, policy: ReceivePolicy, limits: Partial<WireLimits>): OpenedFrame {
  const binary = input.binary;
  const layout = scanV2(binary, resolveLimits(limits));
  const security = layout.security;
  if (security === null) {
    refuseWeaker(policy, FrameProtection.NONE);
    return {
      version: 2,
      protection: FrameProtection.NONE,
      cipher: null,
      keyId: null,
      timestamp: null,
      frame: toForm(binary, 2, input.text),
    };
  }
  const cipher = v2Cipher(security.mode);
  const protection = cipher === null ? FrameProtection.HMAC : FrameProtection.AEAD;
  refuseWeaker(policy, protection);
  const params = decodeSecurityParams(security.params, security.mode);
  if (params === null) throw authFailed();
  const k = lookupKey(policy, params.keyId);
  if (k === undefined || !usableKey(k)) throw authFailed();

  // Output: pre (SECURED cleared) ‖ originalLength ‖ [HMAC: payload section as is | AEAD: length ‖ plaintext].
  const { preEnd, originalLengthStart, headerEnd, payloadStart, payloadEnd, tagStart } = layout;
  const lengthBytes = headerEnd - originalLengthStart;
  let out: Uint8Array;
  if (cipher === null) {
    if (!constantTimeEqual(hmacSha256(k.key, binary.subarray(0, tagStart)), binary.subarray(tagStart))) {
      throw authFailed();
    }
    out = new Uint8Array(preEnd + lengthBytes + tagStart - headerEnd);
    out.set(binary.subarray(headerEnd, tagStart), preEnd + lengthBytes);
  } else {
    const bodyAt = preEnd + lengthBytes + (payloadStart - headerEnd);
    out = new Uint8Array(bodyAt + payloadEnd - payloadStart);
    let plaintext: Uint8Array;
    try {
      plaintext = aead(cipher, k.key, params.nonce, binary.subarray(0, headerEnd)).decrypt(
        aligned(binary.subarray(payloadStart)),
      );
    } catch {
      throw authFailed();
    }
    out.set(plaintext, bodyAt);
    out.set(binary.subarray(headerEnd, payloadStart), preEnd + lengthBytes);
  }
  // Only an authentic frame may touch the replay memory.
  policy.replay?.check(params.keyId, params.timestamp, params.nonce);
  out.set(binary.subarray(0, preEnd));
  out[3] = out[3]! & ~V2Flag.SECURED;
  out.set(binary.subarray(originalLengthStart, headerEnd), preEnd);
  return {
    version: 2,
    protection,
    cipher,
    keyId: params.keyId,
    timestamp: params.timestamp,
    frame: toForm(out, 2, input.text),
  };
}

/** What {@link peekFrameSecurity} reads from a frame's header. None of it is verified yet. */
export interface FrameSecurityInfo {
  readonly version: 1 | 2;
  readonly protection: FrameProtection;
  readonly cipher: AeadCipher | null;
  /** The key id a v2 frame names (unauthenticated until {@link openFrame} succeeds); null for v1 or unprotected frames. */
  readonly keyId: string | null;
  /** The timestamp a v2 frame claims (unauthenticated); null otherwise. */
  readonly timestamp: number | null;
}

/**
 * Read the protection a frame claims, without verifying anything: useful to pick a key or route
 * the frame. Never trust it for a decision; {@link openFrame} re-checks everything.
 *
 * @example peekFrameSecurity(frame).keyId // "k1"
 */
export function peekFrameSecurity(frame: Uint8Array, limits: Partial<WireLimits> = {}): FrameSecurityInfo {
  const input = parseInput(frame, limits, "inspect");
  if (input.version === 1) {
    const protection = v1Protection(scanV1(input.binary, resolveLimits(limits)).security);
    const cipher = protection === FrameProtection.AEAD ? AeadCipher.CHACHA20_POLY1305 : null;
    return { version: 1, protection, cipher, keyId: null, timestamp: null };
  }
  const security = scanV2(input.binary, resolveLimits(limits)).security;
  if (security === null)
    return { version: 2, protection: "none", cipher: null, keyId: null, timestamp: null };
  const params = decodeSecurityParams(security.params, security.mode);
  if (params === null) throw authFailed();
  const cipher = v2Cipher(security.mode);
  return {
    version: 2,
    protection: cipher === null ? FrameProtection.HMAC : FrameProtection.AEAD,
    cipher,
    keyId: params.keyId,
    timestamp: params.timestamp,
  };
}
