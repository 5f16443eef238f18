// Price table of the reference (cents per 1K tokens), matched by the first prefix of the lower-cased
// model name. Kept verbatim so that header bytes match the reference; it is an estimate for routing,
// not a bill.
const PRICES: ReadonlyArray<readonly [prefix: string, input: number, output: number]> = [
  ["gpt-4o-mini", 0.015, 0.06],
  ["gpt-4o", 0.25, 1.0],
  ["gpt-4-turbo", 1.0, 3.0],
  ["gpt-4", 3.0, 6.0],
  ["gpt-3.5-turbo", 0.05, 0.15],
  ["o1-preview", 1.5, 6.0],
  ["o1-mini", 0.3, 1.2],
  ["o3-mini", 0.11, 0.44],
  ["o3", 2.0, 8.0],
  ["claude-3-opus", 1.5, 7.5],
  ["claude-3.5-sonnet", 0.3, 1.5],
  ["claude-3-5-sonnet", 0.3, 1.5],
  ["claude-3-sonnet", 0.3, 1.5],
  ["claude-3.5-haiku", 0.08, 0.4],
  ["claude-3-5-haiku", 0.08, 0.4],
  ["claude-3-haiku", 0.025, 0.125],
  ["gemini-1.5-pro", 0.125, 0.5],
  ["gemini-1.5-flash", 0.0075, 0.03],
  ["gemini-2.0-flash", 0.01, 0.04],
];
const FALLBACK: readonly [number, number] = [0.1, 0.3];

/** Input and output price in US cents per 1,000 tokens for a model id (reference table). */
export function modelPricing(model: string): readonly [inputCentsPer1k: number, outputCentsPer1k: number] {
  const lower = model.toLowerCase();
  for (const [prefix, input, output] of PRICES) if (lower.startsWith(prefix)) return [input, output];
  return FALLBACK;
}

/**
 * Estimated cost in USD, computed in 32-bit float steps exactly as the reference does, so the f32
 * stored in a v1 header is bit-identical.
 */
export function estimateCostUsd(model: string, promptTokens: number, completionTokens: number): number {
  const f = Math.fround;
  const [input, output] = modelPricing(model);
  const a = f(f(f(promptTokens) / 1000) * f(input));
  const b = f(f(f(completionTokens) / 1000) * f(output));
  return f(f(a + b) / 100);
}

/** The reference's prompt-token guess from content bytes: `floor(bytes / 4)`. */
export function estimateTokensFromBytes(contentBytes: number): number {
  return Math.floor(contentBytes / 4);
}

/** Completion tokens assumed for cost when a request gives no max_tokens (reference value). */
export const DEFAULT_COMPLETION_TOKENS = 500;
