import type { PeerCodec, ProxyScanner } from "./adapters.js";
import { codecPeerCodec } from "./codec-adapter.js";
import type { SecurityPolicy } from "./config.js";
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
 * The codec used on peer links by default: `@m2m/codec` frames (trained-dictionary deflate).
 *
 * @example
 * const codec = defaultPeerCodec();
 */
export function defaultPeerCodec(): PeerCodec {
  return codecPeerCodec();
}
