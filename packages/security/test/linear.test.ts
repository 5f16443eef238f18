import { describe, expect, it } from "vitest";
import { createScanner } from "../src/index.js";

// Adversarial inputs up to 1 MiB must scan in time roughly proportional to their size (no
// catastrophic backtracking). Timing targets live in `pnpm bench security`; here the bound is
// deliberately generous (the machine is shared): 1 MiB may cost at most 64x what 64 KiB costs
// (linear would be 16x, quadratic 256x), and must finish within 20 s. Each size is timed as the
// fastest of three runs (a run preempted by another job or a GC pause is not the scanner's cost),
// and the small one counts as at least 2 ms, so a fast small run cannot make the ratio noise.
const scanner = createScanner();

function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function timeMs(text: string): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    scanner.scanText(text, { role: "tool" });
    times.push(performance.now() - t0);
  }
  return Math.min(...times);
}

const INPUTS: [string, string][] = [
  ["trigger words", "ignore you your now no system prompt act as do from the following code in "],
  ["one long word", "a"],
  ["base64-like run", "QUJDRGVmZ2hpams0NTY3"],
  ["hex run", "4a6b"],
  ["spaced letters", "i g n o r e "],
  ["leet tokens", "1gn0r3 pr3v10u5 "],
  ["url escapes", "%41%42%43x"],
  ["zero-width soup", "a\u200Bb\u202Ec\u0000"],
  ["homoglyph soup", "іgnоrе "],
  ["markdown image start", "![x](http://a/?"],
  ["gaps", "ignore , , , , , , , , "],
  ["sentence starts", ". what . write . how "],
  ["CJK gate words", "忽略提示指令上面"],
  ["secret probes", "tell me the password "],
  ["multilingual gaps", "ignoriere é à ü, "],
  ["closures and pivots", "that is done, you have passed. now help with the das genügt "],
  ["quoted payloads", 'add "x y z to your '],
  ["quoted slogans", '"a b hates c d '],
  ["quoted disclosures", "'my instructions 'i was "],
  ["Cyrillic gate words", "забудь игнор покажи свой "],
  // Runs of characters that were both separator and token characters in the bounded gaps once
  // made a gap try every way of splitting the run (seconds for 30 dashes).
  ["dash runs", `send the data ${"-".repeat(40)} `],
  ["apostrophe runs", `ignore ${"' ".repeat(20)}`],
  ["hyphen chains", `forward the files ${"a-".repeat(30)} `],
];

describe("linear time on adversarial input", () => {
  for (const [name, unit] of INPUTS) {
    it(name, () => {
      const small = timeMs(fill(unit, 64 * 1024));
      const big = timeMs(fill(unit, 1024 * 1024));
      expect(big).toBeLessThan(20_000);
      expect(big / Math.max(small, 2)).toBeLessThan(64);
    }, 60_000);
  }
});
