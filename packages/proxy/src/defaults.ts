import type { PeerCodec, ProxyScanner } from "./adapters.js";
import { codecPeerCodec } from "./codec-adapter.js";
import type { ProxyConfig, SecurityPolicy } from "./config.js";
import { sealedPeerCodec } from "./sealed-codec.js";
import { securityScanner } from "./security-adapter.js";

/**
 * The scanner the proxy uses by default: `@m2m/security`'s rule-based scanner with the proxy's policy.
 *
 * @example
 * const scanner = defaultScanner("block");
 */
export function defaultScanner(policy: SecurityPolicy): ProxyScanner {
  return securityScanner(policy);
}

/**
 * The codec used on peer links by default: `@m2m/codec` frames (dictionary, session delta, SSE),
 * sealed with `@m2m/crypto` when the config has a `peerKey`.
 *
 * @example
 * const codec = defaultPeerCodec(config);
 */
export function defaultPeerCodec(config?: Pick<ProxyConfig, "peerKey" | "peerKeyId">): PeerCodec {
  const codec = codecPeerCodec();
  if (!config?.peerKey) return codec;
  return sealedPeerCodec(codec, {
    id: config.peerKeyId,
    key: Uint8Array.from(Buffer.from(config.peerKey, "hex")),
  });
}
