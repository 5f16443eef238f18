import { createScanner, type ScannerOptions, type ScanResult, THREAT_CATEGORIES } from "@m2m/security";
import type { ProxyScanner, ScanVerdict } from "./adapters.js";
import type { SecurityPolicy } from "./config.js";

/** Score at or above which a category is named in `x-m2m-threats` (the scanner's default threshold). */
const REPORT_THRESHOLD = 0.5;

/**
 * Stream text batched per scan under monitor. Monitor only counts what a stream carried (its
 * headers left before the stream began), so scanning every token-sized delta buys nothing; the
 * scanner still sees all text, with its 320-character tail across batches. Block scans every delta,
 * so the chunk that completes a threat is never relayed.
 */
const MONITOR_STREAM_BATCH = 256;

function verdictOf(result: ScanResult, threshold: number): ScanVerdict {
  if (result.action === "allow") return { action: "allow", score: result.score, categories: [] };
  const categories = THREAT_CATEGORIES.filter((c) => result.scores[c] >= threshold).sort(
    (a, b) => result.scores[b] - result.scores[a],
  );
  return { action: result.action, score: result.score, categories };
}

/**
 * The proxy's scanner backed by `@m2m/security`'s `createScanner`, with the proxy's policy
 * (`block` makes the scanner answer `block` above its threshold; `monitor` only `flag`).
 *
 * @example
 * const scanner = securityScanner("block");
 * scanner.scanRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }).action; // "allow"
 */
export function securityScanner(
  policy: SecurityPolicy,
  options: Omit<ScannerOptions, "policy"> = {},
): ProxyScanner {
  const scanner = createScanner({ ...options, policy });
  const threshold = options.threshold ?? REPORT_THRESHOLD;
  return {
    scanRequest: (body) => verdictOf(scanner.scanRequest(body), threshold),
    scanResponse: (body) => verdictOf(scanner.scanResponse(body), threshold),
    createStreamScanner() {
      const stream = scanner.createStreamScanner({
        role: "assistant",
        path: "stream",
        batchChars: policy === "block" ? 1 : MONITOR_STREAM_BATCH,
      });
      return {
        push(textDelta) {
          const r = stream.push(textDelta);
          return r === null ? null : verdictOf(r, threshold);
        },
        end: () => verdictOf(stream.end(), threshold),
      };
    },
  };
}
