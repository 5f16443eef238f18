import { performance } from "node:perf_hooks";

/** Timing of one benchmarked operation. */
export interface Measurement {
  readonly name: string;
  /** Median nanoseconds per operation over the sampled batches. */
  readonly medianNs: number;
  /** 99th percentile of per-batch nanoseconds per operation. */
  readonly p99Ns: number;
  readonly opsPerSecond: number;
  readonly samples: number;
}

/**
 * Time `fn` in batches until `minTimeMs` has passed (after a warm-up), and report the median and
 * p99 of the per-operation time across batches. Medians, because these machines are noisy.
 */
export function measure(
  name: string,
  fn: () => unknown,
  options: { minTimeMs?: number; batch?: number } = {},
): Measurement {
  const minTime = options.minTimeMs ?? 300;
  // Warm up and size the batch so one batch takes roughly 1 ms.
  let batch = options.batch ?? 1;
  if (options.batch === undefined) {
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) fn();
      const elapsed = performance.now() - t0;
      if (elapsed > 1 || batch > 1 << 20) break;
      batch *= 2;
    }
  }
  const perOp: number[] = [];
  const deadline = performance.now() + minTime;
  while (performance.now() < deadline || perOp.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    perOp.push(((performance.now() - t0) * 1e6) / batch);
  }
  perOp.sort((a, b) => a - b);
  const medianNs = perOp[Math.floor(perOp.length / 2)]!;
  return {
    name,
    medianNs,
    p99Ns: perOp[Math.min(perOp.length - 1, Math.floor(perOp.length * 0.99))]!,
    opsPerSecond: 1e9 / medianNs,
    samples: perOp.length,
  };
}

/** Format a duration given in nanoseconds with a sensible unit. */
export function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(1)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

/** Print rows as an aligned Markdown table (first row is the header). */
export function printTable(rows: ReadonlyArray<ReadonlyArray<string>>): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: ReadonlyArray<string>) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(rows[0]!));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const r of rows.slice(1)) console.log(line(r));
}

/** The command that reproduces a suite's numbers, printed above every table. */
export function printCommand(suite: string): void {
  console.log(`\n$ pnpm bench ${suite}    (node ${process.version}, ${new Date().toISOString()})\n`);
}
