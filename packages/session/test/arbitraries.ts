import fc from "fast-check";
import { type Capabilities, SecurityMode } from "../src/negotiate.js";

const name = fc.constantFrom("m2m", "brotli", "none", "dict", "tk", "deflate", "zstd", "a", "b");
const list = (pool: fc.Arbitrary<string>, min = 0) => fc.uniqueArray(pool, { minLength: min, maxLength: 6 });

export const capabilitiesArb: fc.Arbitrary<Capabilities> = fc.record({
  versions: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
  agentId: fc.constantFrom("planner", "worker", "x"),
  algorithms: list(name, 1),
  tokenizers: list(fc.constantFrom("cl100k", "o200k", "llama3")),
  dictionaries: list(fc.constantFrom("d1", "d2", "d3", "d4")),
  securityModes: fc.uniqueArray(fc.constantFrom(SecurityMode.NONE, SecurityMode.AEAD), {
    minLength: 1,
    maxLength: 2,
  }),
  features: list(fc.constantFrom("delta", "stream", "x")),
  maxMessageBytes: fc.integer({ min: 1, max: 1 << 24 }),
  idleTimeoutMs: fc.integer({ min: 1_000, max: 86_400_000 }),
  pingIntervalMs: fc.integer({ min: 100, max: 3_600_000 }),
});
