// pnpm bench security [--write-model]
//
// Accuracy of @m2m/security on ../shared/corpus/security/dev.jsonl (precision, recall, F1, FPR
// overall / per category / per source, confusion table, threshold sweep), a leave-one-source-out
// cross-validated estimate of the score model, latency per KB, and the reference's 20 regexes as
// the baseline in the same run. Never prints corpus text: only ids and aggregate numbers.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createScanner,
  PRIOR_MODEL,
  type ScoreModel,
  THREAT_CATEGORIES,
  type ThreatCategory,
} from "@m2m/security";
import { formatNs, measure, printCommand, printTable } from "../harness.js";

interface Row {
  readonly id: string;
  readonly text: string;
  readonly label: "malicious" | "benign";
  readonly category: string;
  readonly source: string;
  readonly role: "user" | "tool";
  readonly subcategory: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const corpusPath = path.resolve(repoRoot, "../shared/corpus/security/dev.jsonl");
const THRESHOLD = 0.5;

// ------------------------------------------------------------------ reference baseline
// The 20 patterns of the reference scanner, re-implemented from seed-security.md §2 (Rust `(?i)`
// becomes the `i` flag). The reference runs them over the raw string; a hit makes the result
// unsafe, and it blocks when the highest severity is >= 0.8.
const REFERENCE: readonly { name: string; re: RegExp; severity: number }[] = [
  {
    name: "ignore_instructions",
    re: /ignore\s+(all\s+)?(previous|prior|above)\s+(instructions?|prompts?|rules?)/i,
    severity: 0.9,
  },
  {
    name: "disregard_instructions",
    re: /disregard\s+(all\s+)?(previous|prior|above)\s+(instructions?|prompts?)/i,
    severity: 0.9,
  },
  {
    name: "forget_instructions",
    re: /forget\s+(your|all|previous)\s+(instructions?|rules?|training)/i,
    severity: 0.85,
  },
  { name: "new_instructions", re: /your\s+new\s+(instructions?|rules?|role)\s+(are|is|:)/i, severity: 0.85 },
  {
    name: "system_prompt_extract",
    re: /(show|reveal|print|output|repeat|display)\s+(your\s+)?(system\s+)?(prompt|instructions?)/i,
    severity: 0.8,
  },
  { name: "fake_system", re: /(^|\n)\s*\[?system\]?\s*[:-]/i, severity: 0.85 },
  { name: "role_override", re: /you\s+are\s+(now|actually)\s+(a|an|the)\s+/i, severity: 0.7 },
  {
    name: "pretend_mode",
    re: /(pretend|act|behave)\s+(you\s+)?(are|as\s+if|like)\s+(you\s+)?(are\s+)?(a|an|the)?\s*(unrestricted|unfiltered|evil)/i,
    severity: 0.9,
  },
  { name: "dan_mode", re: /(enable\s+)?dan\s+mode|do\s+anything\s+now/i, severity: 0.95 },
  { name: "developer_mode", re: /(enter|enable|activate)\s+(developer|dev)\s+mode/i, severity: 0.9 },
  { name: "jailbreak_explicit", re: /jailbreak|jail\s*break/i, severity: 0.85 },
  {
    name: "bypass_explicit",
    re: /bypass\s+(safety|content|ethical|security)\s+(filters?|restrictions?|guidelines?)/i,
    severity: 0.9,
  },
  { name: "unrestricted_mode", re: /(unrestricted|unfiltered|uncensored|unethical)\s+mode/i, severity: 0.9 },
  {
    name: "no_limits",
    re: /(no|without|remove)\s+(limits?|restrictions?|boundaries|constraints?|rules?)/i,
    severity: 0.75,
  },
  { name: "evil_mode", re: /(evil|malicious|harmful|bad)\s+(mode|assistant|ai)/i, severity: 0.9 },
  { name: "null_bytes", re: /\\u0000|\x00/, severity: 0.95 },
  { name: "excessive_nesting", re: /\{\s*\{\s*\{\s*\{\s*\{/, severity: 0.8 },
  { name: "unicode_override", re: /\\u202[edc]|\\u200[efd]/, severity: 0.85 },
  { name: "env_access", re: /(process\.env|os\.environ|\$\{?[A-Z_]+\}?|getenv)/i, severity: 0.85 },
  {
    name: "file_read",
    re: /(read|cat|type)\s+(\/etc\/passwd|\/etc\/shadow|\.env|credentials)/i,
    severity: 0.9,
  },
];

function referenceScore(text: string): number {
  let max = 0;
  for (const p of REFERENCE) if (p.severity > max && p.re.test(text)) max = p.severity;
  return max;
}

// ------------------------------------------------------------------ metrics
interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function counts(labels: readonly boolean[], predicted: readonly boolean[]): Counts {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i]) labels[i] ? c.tp++ : c.fp++;
    else labels[i] ? c.fn++ : c.tn++;
  }
  return c;
}

interface Metrics extends Counts {
  precision: number;
  recall: number;
  f1: number;
  fpr: number;
}

function metrics(c: Counts): Metrics {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const fpr = c.fp + c.tn === 0 ? 0 : c.fp / (c.fp + c.tn);
  return { ...c, precision, recall, f1, fpr };
}

/** Highest recall whose FPR stays at or below `maxFpr`, and the threshold that gives it. */
function recallAtFpr(
  labels: readonly boolean[],
  scores: readonly number[],
  maxFpr: number,
): { recall: number; threshold: number } {
  const candidates = [...new Set(scores)].sort((a, b) => b - a);
  let best = { recall: 0, threshold: 1 };
  for (const t of candidates) {
    if (t <= 0) continue;
    const m = metrics(
      counts(
        labels,
        scores.map((s) => s >= t),
      ),
    );
    if (m.fpr <= maxFpr && m.recall >= best.recall) best = { recall: m.recall, threshold: t };
  }
  return best;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number): string => x.toFixed(3);

// ------------------------------------------------------------------ score model fitting
type Features = ReadonlyMap<ThreatCategory, readonly string[]>;

function scoreWith(model: ScoreModel, f: Features): { score: number; top: ThreatCategory | null } {
  let score = 0;
  let top: ThreatCategory | null = null;
  for (const [category, rules] of f) {
    let z = model.bias[category] ?? -2;
    for (const r of rules) z += model.weights[r] ?? 0;
    const s = 1 / (1 + Math.exp(-z));
    if (s > score) {
      score = s;
      top = category;
    }
  }
  return { score, top };
}

/**
 * Caps for rules whose dev-set evidence is one-sided: they never fire on the 59 benign tool rows
 * here, but plain questions and task sentences are common in real retrieved content (tutorials,
 * forum questions). Capped so that alone they stay below 0.5 and need a second signal.
 */
const WEIGHT_CAPS: Readonly<Record<string, number>> = {
  "pi.question_to_assistant": 1.9,
  "pi.task_request": 1.9,
  // "Okay. Now tell me…" is ordinary multi-turn chat; the dev set has almost no chat to say so.
  "pi.topic_switch": 1.9,
  "pi.malware_topic": 1,
  // Role-play set-ups ("let's play a game", "two characters…"), research chores and account
  // actions inside retrieved content ("find the latest news on…", "delete all messages older
  // than…" in a help page) are everyday text too; dev has few benign counter-examples, so they
  // may only add to other evidence.
  "jb.persona_frame": 1.9,
  "pi.research_task": 1.9,
  "pi.agent_action": 1.9,
  // pi.off_topic_task is not capped: it only fires next to a (capped) question/task hit, and the
  // pair is the evidence.
};

/**
 * Per-category logistic regression over binary rule features, fitted on the rows where at least
 * one rule of that category fired (so a score reads as P(malicious | this evidence)). The bias
 * stays at the prior's value and each weight is pulled towards its hand-set prior (ridge towards
 * the prior, not towards zero): with only a few hundred rows per category, a free bias would
 * simply learn the dev set's base rate ("any hit is malicious") and fail on other data.
 */
function fitModel(features: readonly Features[], labels: readonly boolean[], prior: ScoreModel): ScoreModel {
  const bias: Partial<Record<ThreatCategory, number>> = { ...prior.bias };
  const weights: Record<string, number> = { ...prior.weights };
  const lambda = 3;
  for (const category of THREAT_CATEGORIES) {
    const xs: string[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < features.length; i++) {
      const rules = features[i]!.get(category);
      if (rules === undefined || rules.length === 0) continue;
      xs.push([...rules]);
      ys.push(labels[i] ? 1 : 0);
    }
    if (xs.length < 20) continue;
    const b = prior.bias[category] ?? -2;
    const ids = [...new Set(xs.flat())];
    const support = new Map(ids.map((id) => [id, xs.filter((x) => x.includes(id)).length]));
    const p0 = new Map(ids.map((id) => [id, prior.weights[id] ?? 0]));
    const w = new Map(p0);
    for (let iter = 0; iter < 800; iter++) {
      const gw = new Map(ids.map((id) => [id, 0]));
      for (let i = 0; i < xs.length; i++) {
        let z = b;
        for (const id of xs[i]!) z += w.get(id)!;
        const err = 1 / (1 + Math.exp(-z)) - ys[i]!;
        for (const id of xs[i]!) gw.set(id, gw.get(id)! + err);
      }
      for (const id of ids) {
        const grad = gw.get(id)! + 2 * lambda * (w.get(id)! - p0.get(id)!);
        w.set(id, w.get(id)! - (0.5 * grad) / (support.get(id)! * 0.25 + 2 * lambda));
      }
    }
    for (const id of ids)
      weights[id] = Math.round(Math.max(-4, Math.min(WEIGHT_CAPS[id] ?? 8, w.get(id)!)) * 100) / 100;
    bias[category] = b;
  }
  return { bias, weights };
}

// ------------------------------------------------------------------ latency inputs
function adversarial(kind: string, bytes: number): string {
  const fill = (unit: string): string => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
  switch (kind) {
    case "prose":
      return fill("The quarterly report is attached; please review the figures before Friday's meeting. ");
    case "trigger words":
      return fill("ignore you your now no system prompt act as do ");
    case "one long word":
      return fill("a");
    case "base64-like run":
      return fill("QUJDRGVmZ2hpams0NTY3");
    case "spaced letters":
      return fill("i g n o r e ");
    case "leet tokens":
      return fill("1gn0r3 pr3v10u5 ");
    default:
      return fill("x ");
  }
}

// ------------------------------------------------------------------ SVG
const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function svgChart(bars: readonly { label: string; ours: number; base: number }[]): string {
  const w = 720;
  const rowH = 34;
  const h = 60 + bars.length * rowH;
  const x0 = 230;
  const scale = (w - x0 - 60) / 1;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">@m2m/security vs reference 20 regexes (dev corpus, threshold ${THRESHOLD})</text>`,
    `<rect x="${x0}" y="30" width="12" height="10" fill="#2b6cb0"/><text x="${x0 + 16}" y="39">@m2m/security</text>`,
    `<rect x="${x0 + 130}" y="30" width="12" height="10" fill="#a0aec0"/><text x="${x0 + 146}" y="39">reference baseline</text>`,
  ];
  bars.forEach((b, i) => {
    const y = 50 + i * rowH;
    parts.push(`<text x="10" y="${y + 14}">${escapeXml(b.label)}</text>`);
    parts.push(
      `<rect x="${x0}" y="${y}" width="${(b.ours * scale).toFixed(1)}" height="12" fill="#2b6cb0"/>`,
    );
    parts.push(`<text x="${x0 + b.ours * scale + 4}" y="${y + 10}">${(b.ours * 100).toFixed(1)}%</text>`);
    parts.push(
      `<rect x="${x0}" y="${y + 14}" width="${(b.base * scale).toFixed(1)}" height="12" fill="#a0aec0"/>`,
    );
    parts.push(`<text x="${x0 + b.base * scale + 4}" y="${y + 24}">${(b.base * 100).toFixed(1)}%</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

// ------------------------------------------------------------------ run
export async function run(): Promise<void> {
  printCommand("security");
  if (!existsSync(corpusPath)) {
    console.log(
      `security: corpus not found at ${corpusPath}; nothing to measure (the repo does not ship it).`,
    );
    return;
  }
  const rows: Row[] = readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Row);
  const labels = rows.map((r) => r.label === "malicious");
  const sourceOf = (r: Row): string => r.subcategory.split(":")[0]!;
  console.log(`corpus: ${rows.length} rows (${labels.filter(Boolean).length} malicious), ${corpusPath}`);
  console.log(
    "machine: shared 2-core box, other engineers running builds/tests: timings are noisy; medians reported.\n",
  );

  // Rule evidence per row (model-independent), then scores under the shipped model.
  const scanner = createScanner({ evidence: "offsets" });
  const features: Features[] = [];
  const shipped: number[] = [];
  const shippedTop: (ThreatCategory | null)[] = [];
  for (const row of rows) {
    const verdict = scanner.scanText(row.text, { role: row.role });
    const f = new Map<ThreatCategory, string[]>();
    for (const t of verdict.threats) {
      const list = f.get(t.category) ?? [];
      if (!list.includes(t.rule)) list.push(t.rule);
      f.set(t.category, list);
    }
    features.push(f);
    shipped.push(verdict.score);
    let top: ThreatCategory | null = null;
    for (const c of THREAT_CATEGORIES)
      if (verdict.scores[c] > 0 && (top === null || verdict.scores[c] > verdict.scores[top])) top = c;
    shippedTop.push(top);
  }
  const reference = rows.map((r) => referenceScore(r.text));

  // Leave-one-source-out cross-validation of the score model (rules themselves were written
  // while looking at dev, so this estimates the fitting step only; see README).
  const sources = [...new Set(rows.map((r) => r.source))];
  const cvScore: number[] = new Array(rows.length).fill(0);
  for (const held of sources) {
    const trainIdx = rows.map((r, i) => (r.source === held ? -1 : i)).filter((i) => i >= 0);
    const model = fitModel(
      trainIdx.map((i) => features[i]!),
      trainIdx.map((i) => labels[i]!),
      PRIOR_MODEL,
    );
    rows.forEach((r, i) => {
      if (r.source === held) cvScore[i] = scoreWith(model, features[i]!).score;
    });
  }
  const fullFit = fitModel(features, labels, PRIOR_MODEL);

  // Overall table.
  const ours = metrics(
    counts(
      labels,
      shipped.map((s) => s >= THRESHOLD),
    ),
  );
  const cv = metrics(
    counts(
      labels,
      cvScore.map((s) => s >= THRESHOLD),
    ),
  );
  const refAny = metrics(
    counts(
      labels,
      reference.map((s) => s > 0),
    ),
  );
  const refBlock = metrics(
    counts(
      labels,
      reference.map((s) => s >= 0.8),
    ),
  );
  const sweepOurs = { r1: recallAtFpr(labels, shipped, 0.01), r5: recallAtFpr(labels, shipped, 0.05) };
  const sweepCv = { r1: recallAtFpr(labels, cvScore, 0.01), r5: recallAtFpr(labels, cvScore, 0.05) };
  const sweepRef = { r1: recallAtFpr(labels, reference, 0.01), r5: recallAtFpr(labels, reference, 0.05) };
  console.log(`## Overall (threshold ${THRESHOLD})\n`);
  printTable([
    ["scanner", "precision", "recall", "F1", "FPR", "TP", "FP", "FN", "TN", "recall@1%FPR", "recall@5%FPR"],
    ...(
      [
        ["@m2m/security (shipped model)", ours, sweepOurs],
        ["@m2m/security (leave-one-source-out CV)", cv, sweepCv],
        ["reference 20 regexes (any match)", refAny, sweepRef],
        ["reference 20 regexes (blocks @0.8)", refBlock, sweepRef],
      ] as const
    ).map(([name, m, sw]) => [
      name,
      f3(m.precision),
      f3(m.recall),
      f3(m.f1),
      pct(m.fpr),
      String(m.tp),
      String(m.fp),
      String(m.fn),
      String(m.tn),
      pct(sw.r1.recall),
      pct(sw.r5.recall),
    ]),
  ]);

  // Per category: recall for malicious categories, FPR for benign ones.
  console.log("\n## Per category (share flagged)\n");
  const categories = [...new Set(rows.map((r) => r.category))];
  const perCategory = categories.map((c) => {
    const idx = rows.map((r, i) => (r.category === c ? i : -1)).filter((i) => i >= 0);
    const rate = (scores: readonly number[], t: number): number =>
      idx.filter((i) => scores[i]! >= t).length / idx.length;
    return {
      category: c,
      n: idx.length,
      ours: rate(shipped, THRESHOLD),
      cv: rate(cvScore, THRESHOLD),
      reference: rate(reference, 1e-9),
    };
  });
  printTable([
    ["category", "rows", "ours", "ours (CV)", "reference (any)"],
    ...perCategory.map((p) => [p.category, String(p.n), pct(p.ours), pct(p.cv), pct(p.reference)]),
  ]);
  console.log("(malicious categories: recall; benign categories: false-positive rate)");

  console.log("\n## Per source (share flagged)\n");
  const perSource = [...new Set(rows.map(sourceOf))].map((s) => {
    const idx = rows.map((r, i) => (sourceOf(r) === s ? i : -1)).filter((i) => i >= 0);
    const rate = (scores: readonly number[], t: number): number =>
      idx.filter((i) => scores[i]! >= t).length / idx.length;
    return {
      source: s,
      label: rows[idx[0]!]!.label,
      n: idx.length,
      ours: rate(shipped, THRESHOLD),
      cv: rate(cvScore, THRESHOLD),
      reference: rate(reference, 1e-9),
    };
  });
  printTable([
    ["source", "label", "rows", "ours", "ours (CV)", "reference (any)"],
    ...perSource.map((p) => [p.source, p.label, String(p.n), pct(p.ours), pct(p.cv), pct(p.reference)]),
  ]);

  // Confusion: true category vs the top-scoring predicted category (or "allow").
  console.log("\n## Confusion (rows: true category; columns: top predicted category, or allow)\n");
  const predictedNames = [...THREAT_CATEGORIES, "allow"] as const;
  const confusion = categories.map((c) => {
    const cells = predictedNames.map(() => 0);
    rows.forEach((r, i) => {
      if (r.category !== c) return;
      const pred = shipped[i]! >= THRESHOLD && shippedTop[i] !== null ? shippedTop[i]! : "allow";
      cells[predictedNames.indexOf(pred)]!++;
    });
    return { category: c, cells };
  });
  printTable([
    ["true \\ predicted", ...predictedNames],
    ...confusion.map((c) => [c.category, ...c.cells.map(String)]),
  ]);

  // Threshold sweep.
  console.log("\n## Threshold sweep (shipped model)\n");
  const sweep = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => ({
    threshold: t,
    ...metrics(
      counts(
        labels,
        shipped.map((s) => s >= t),
      ),
    ),
  }));
  printTable([
    ["threshold", "precision", "recall", "F1", "FPR"],
    ...sweep.map((s) => [String(s.threshold), f3(s.precision), f3(s.recall), f3(s.f1), pct(s.fpr)]),
  ]);
  // The same sweep on the held-out-source scores: the threshold a deployment could pick without
  // having seen the source it is measured on (spec/security.md, Scoring: why 0.5 stays).
  console.log("\n## Threshold sweep (leave-one-source-out CV scores)\n");
  const cvSweep = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map((t) => ({
    threshold: t,
    ...metrics(
      counts(
        labels,
        cvScore.map((s) => s >= t),
      ),
    ),
  }));
  printTable([
    ["threshold", "precision", "recall", "F1", "FPR"],
    ...cvSweep.map((s) => [String(s.threshold), f3(s.precision), f3(s.recall), f3(s.f1), pct(s.fpr)]),
  ]);
  console.log(
    `recall at <=1% FPR: ours ${pct(sweepOurs.r1.recall)} (t=${f3(sweepOurs.r1.threshold)}), CV ${pct(sweepCv.r1.recall)}, reference ${pct(sweepRef.r1.recall)}`,
  );
  console.log(
    `recall at <=5% FPR: ours ${pct(sweepOurs.r5.recall)} (t=${f3(sweepOurs.r5.threshold)}), CV ${pct(sweepCv.r5.recall)}, reference ${pct(sweepRef.r5.recall)}`,
  );

  // Latency per KB over the corpus rows (each row timed 5x, median of those; then median/p99 across rows).
  console.log("\n## Latency per KB of text\n");
  const perKb = (fn: (text: string) => unknown): { median: number; p99: number; throughput: number } => {
    for (const r of rows) fn(r.text); // warm-up
    const values: number[] = [];
    let totalNs = 0;
    let totalKb = 0;
    for (const r of rows) {
      const kb = Math.max(r.text.length, 1) / 1024;
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = process.hrtime.bigint();
        fn(r.text);
        times.push(Number(process.hrtime.bigint() - t0));
      }
      times.sort((a, b) => a - b);
      values.push(times[2]! / kb);
      totalNs += times[2]!;
      totalKb += kb;
    }
    values.sort((a, b) => a - b);
    return {
      median: values[values.length >> 1]!,
      p99: values[Math.floor(values.length * 0.99)]!,
      throughput: totalNs / totalKb,
    };
  };
  const latOurs = perKb((t) => scanner.scanText(t));
  const latRef = perKb((t) => referenceScore(t));
  printTable([
    ["scanner", "median per KB (per row)", "p99 per KB (per row)", "whole corpus per KB"],
    ["@m2m/security scanText", formatNs(latOurs.median), formatNs(latOurs.p99), formatNs(latOurs.throughput)],
    ["reference 20 regexes", formatNs(latRef.median), formatNs(latRef.p99), formatNs(latRef.throughput)],
  ]);
  console.log(
    "(per-row values for short rows include the fixed per-call cost; median row is ~130 characters)",
  );

  console.log("\n## Scaling (synthetic inputs; linear time means a flat per-KB column)\n");
  const scaling: { kind: string; bytes: number; perKbNs: number; refPerKbNs: number }[] = [];
  for (const kind of [
    "prose",
    "trigger words",
    "one long word",
    "base64-like run",
    "spaced letters",
    "leet tokens",
  ]) {
    for (const bytes of [1024, 64 * 1024, 1024 * 1024]) {
      const text = adversarial(kind, bytes);
      const m = measure(`${kind} ${bytes}`, () => scanner.scanText(text), {
        minTimeMs: bytes > 100_000 ? 400 : 150,
      });
      const r = measure(`ref ${kind} ${bytes}`, () => referenceScore(text), {
        minTimeMs: bytes > 100_000 ? 400 : 150,
      });
      scaling.push({
        kind,
        bytes,
        perKbNs: m.medianNs / (bytes / 1024),
        refPerKbNs: r.medianNs / (bytes / 1024),
      });
    }
  }
  printTable([
    ["input", "size", "ours per KB", "reference per KB"],
    ...scaling.map((s) => [s.kind, `${s.bytes / 1024} KiB`, formatNs(s.perKbNs), formatNs(s.refPerKbNs)]),
  ]);

  // Real agent traffic (chat corpus): how much of it would be flagged? Mostly benign airline-agent
  // conversations with tool results (tau-bench), red-team dialogues (hh-rlhf) and recorded
  // provider responses (vercel/ai). Rule ids only; no text is printed.
  console.log("\n## Real chat traffic (../shared/corpus/chat, scanRequest/scanResponse)\n");
  const chatBase = path.resolve(repoRoot, "../shared/corpus/chat");
  const chat: { source: string; kind: string; n: number; flagged: number; rules: Record<string, number> }[] =
    [];
  if (existsSync(path.join(chatBase, "index.jsonl"))) {
    const entries = readFileSync(path.join(chatBase, "index.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as { file: string; kind: string; source: string });
    for (const e of entries) {
      if (e.kind !== "request" && e.kind !== "response") continue;
      const body = readFileSync(path.join(chatBase, e.file), "utf8");
      const verdict = e.kind === "request" ? scanner.scanRequest(body) : scanner.scanResponse(body);
      const source = e.source.split(":")[0]!;
      let bucket = chat.find((c) => c.source === source && c.kind === e.kind);
      if (bucket === undefined) {
        bucket = { source, kind: e.kind, n: 0, flagged: 0, rules: {} };
        chat.push(bucket);
      }
      bucket.n++;
      if (verdict.action !== "allow") {
        bucket.flagged++;
        for (const t of verdict.threats)
          if (t.score >= THRESHOLD)
            bucket.rules[`${t.rule}@${t.role}`] = (bucket.rules[`${t.rule}@${t.role}`] ?? 0) + 1;
      }
    }
    printTable([
      ["source", "kind", "documents", "flagged", "rules (>= threshold)"],
      ...chat.map((c) => [
        c.source,
        c.kind,
        String(c.n),
        String(c.flagged),
        Object.entries(c.rules)
          .map(([k, v]) => `${k}×${v}`)
          .join(", "),
      ]),
    ]);
  } else console.log(`chat corpus not found at ${chatBase}; skipped`);

  const out = {
    command: "pnpm bench security",
    node: process.version,
    date: new Date().toISOString(),
    note: "Shared, loaded 2-core machine: timings are medians and noisy. CV = score model refitted with each source held out; the rules were written while looking at dev, so CV only estimates the fitting step.",
    corpus: {
      path: "../shared/corpus/security/dev.jsonl",
      rows: rows.length,
      malicious: labels.filter(Boolean).length,
    },
    threshold: THRESHOLD,
    overall: { ours, cv, referenceAny: refAny, referenceBlock: refBlock },
    recallAtFpr: { ours: sweepOurs, cv: sweepCv, reference: sweepRef },
    perCategory,
    perSource,
    confusion: { columns: predictedNames, rows: confusion },
    sweep,
    cvSweep,
    latency: { oursNsPerKb: latOurs, referenceNsPerKb: latRef, scaling },
    chatTraffic: chat,
    fittedModel: fullFit,
  };
  writeFileSync(path.join(repoRoot, "docs/bench/security.json"), `${JSON.stringify(out, null, 2)}\n`);
  writeFileSync(
    path.join(repoRoot, "docs/bench/security.svg"),
    svgChart([
      { label: "F1", ours: ours.f1, base: refAny.f1 },
      { label: "precision", ours: ours.precision, base: refAny.precision },
      { label: "recall", ours: ours.recall, base: refAny.recall },
      { label: "false-positive rate", ours: ours.fpr, base: refAny.fpr },
      { label: "recall @ <=1% FPR", ours: sweepOurs.r1.recall, base: sweepRef.r1.recall },
      { label: "F1 (leave-one-source-out CV)", ours: cv.f1, base: refAny.f1 },
      ...perCategory.map((p) => ({ label: `flagged: ${p.category}`, ours: p.ours, base: p.reference })),
    ]),
  );
  console.log("\nwrote docs/bench/security.json and docs/bench/security.svg");

  if (process.argv.includes("--write-model")) {
    const file = path.join(repoRoot, "packages/security/src/fitted-model.ts");
    writeFileSync(file, `${modelSource(fullFit)}`);
    console.log(`wrote the full-dev fit to ${path.relative(repoRoot, file)} (rebuild to use it)`);
  }
}

function modelSource(model: ScoreModel): string {
  const bias = THREAT_CATEGORIES.map((c) => `    ${c}: ${model.bias[c] ?? -2},`).join("\n");
  const weights = Object.keys(model.weights)
    .sort()
    .map((k) => `    "${k}": ${model.weights[k]},`)
    .join("\n");
  return `// Generated by \`pnpm bench security --write-model\` (logistic fit on the dev corpus). Do not edit by hand.\nimport type { ScoreModel } from "./types.js";\n\n/** Fitted per-category bias and per-rule weights. */\nexport const FITTED_MODEL: ScoreModel = {\n  bias: {\n${bias}\n  },\n  weights: {\n${weights}\n  },\n};\n`;
}
