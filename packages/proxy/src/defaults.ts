import type { PeerCodec, ProxyScanner } from "./adapters.js";
import { rawPeerCodec } from "./peer.js";

/**
 * The scanner the proxy uses by default: `@m2m/security` once it is wired in (security-adapter.ts).
 * Returns null while no real scanner is available, so nothing pretends to scan.
 */
export function defaultScanner(): ProxyScanner | null {
  return null;
}

/** The codec used on peer links by default. */
export function defaultPeerCodec(): PeerCodec {
  return rawPeerCodec;
}
