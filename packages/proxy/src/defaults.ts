import type { PeerCodec, ProxyScanner } from "./adapters.js";
import type { SecurityPolicy } from "./config.js";
import { rawPeerCodec } from "./peer.js";
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

/** The codec used on peer links by default. */
export function defaultPeerCodec(): PeerCodec {
  return rawPeerCodec;
}
