import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import {
  compress,
  compressToText,
  DeltaDecoder,
  DeltaEncoder,
  decompress,
  getDefaultDictionary,
  loadTokenizer,
  SseDecoder,
  SseEncoder,
} from "@m2m/codec";
import { Tiktoken } from "js-tiktoken/lite";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import { printCommand, printTable } from "../harness.js";

// Fixed split (spec/codec.md §5, packages/codec/scripts/corpus-split.mjs): per folder, names sorted,
// even positions train the default dictionary, odd positions are the held-out test half.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const chatDir = resolve(repoRoot, "../shared/corpus/chat");

interface Item {
  readonly file: string;
  readonly folder: string;
  readonly source: string;
  readonly half: "train" | "test";
  readonly bytes: Uint8Array;
}

function loadCorpus(): Item[] {
  const out: Item[] = [];
  for (const folder of ["requests", "responses", "streams"]) {
    const names = readdirSync(join(chatDir, folder)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    names.forEach((name, i) => {
      const source = name.startsWith("taubench")
        ? "taubench"
        : name.startsWith("hhrlhf")
          ? "hhrlhf"
          : "vercel";
      out.push({
        file: `${folder}/${name}`,
        folder,
        source,
        half: i % 2 === 0 ? "train" : "test",
        bytes: new Uint8Array(readFileSync(join(chatDir, folder, name))),
      });
    });
  }
  return out;
}

/** Median ns of `fn` over a few runs sized to the input (the machine is shared and noisy). */
function timeNs(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  const first = (performance.now() - t0) * 1e6;
  const reps = Math.max(3, Math.min(31, Math.floor(3e6 / Math.max(first, 1))));
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    samples.push((performance.now() - t) * 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

const te = new TextEncoder();
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);
const Z = zlib.constants;

interface Codec {
  readonly name: string;
  readonly applies: (item: Item) => boolean;
  readonly encode: (b: Uint8Array) => Uint8Array | string;
  readonly decode: (e: Uint8Array | string) => Uint8Array;
}

const isJson = (item: Item): boolean => item.folder !== "streams";
const sized = (e: Uint8Array | string): number => (typeof e === "string" ? e.length : e.length);

const codecs: Codec[] = [
  {
    name: "gzip-6",
    applies: () => true,
    encode: (b) => zlib.gzipSync(b, { level: 6 }),
    decode: (e) => zlib.gunzipSync(e as Uint8Array),
  },
  {
    name: "brotli q5",
    applies: () => true,
    encode: (b) => zlib.brotliCompressSync(b, { params: { [Z.BROTLI_PARAM_QUALITY]: 5 } }),
    decode: (e) => zlib.brotliDecompressSync(e as Uint8Array),
  },
  {
    name: "brotli q11",
    applies: () => true,
    encode: (b) => zlib.brotliCompressSync(b, { params: { [Z.BROTLI_PARAM_QUALITY]: 11 } }),
    decode: (e) => zlib.brotliDecompressSync(e as Uint8Array),
  },
  {
    name: "ref M2M v1 binary",
    applies: isJson,
    encode: (b) => compress(b, { algorithm: "m2m" }),
    decode: (e) => decompress(e),
  },
  {
    name: "ref M2M v1 text",
    applies: isJson,
    encode: (b) => compressToText(b, { algorithm: "m2m" }),
    decode: (e) => decompress(e),
  },
  {
    name: "ref brotli text",
    applies: () => true,
    encode: (b) => compressToText(b, { algorithm: "brotli" }),
    decode: (e) => decompress(e),
  },
  {
    name: "ref TokenNative cl100k text",
    applies: () => true,
    encode: (b) => compressToText(b, { algorithm: "tk" }),
    decode: (e) => decompress(e),
  },
  {
    name: "dict-deflate (v2 binary)",
    applies: () => true,
    encode: (b) => compress(b, { algorithm: "dict-deflate" }),
    decode: (e) => decompress(e),
  },
  {
    name: "dict = LZR (v2 binary)",
    applies: () => true,
    encode: (b) => compress(b, { algorithm: "dict" }),
    decode: (e) => decompress(e),
  },
  {
    name: "auto (v2 binary)",
    applies: () => true,
    encode: (b) => compress(b),
    decode: (e) => decompress(e),
  },
  {
    name: "auto, effort best (v2 binary)",
    applies: () => true,
    encode: (b) => compress(b, { effort: "best" }),
    decode: (e) => decompress(e),
  },
  {
    name: "auto (text)",
    applies: () => true,
    encode: (b) => compressToText(b),
    decode: (e) => decompress(e),
  },
];
const zstd = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array) => Uint8Array }).zstdCompressSync;

interface Cell {
  original: number;
  encoded: number;
  encodeNs: number;
  decodeNs: number;
  count: number;
  encodeMedians: number[];
  decodeMedians: number[];
}
const emptyCell = (): Cell => ({
  original: 0,
  encoded: 0,
  encodeNs: 0,
  decodeNs: 0,
  count: 0,
  encodeMedians: [],
  decodeMedians: [],
});
const pairedMedian = (a: number[], b: number[]): number => median(a.map((v, i) => v / b[i]!));
const median = (xs: number[]): number => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1]! : 0);
const µs = (ns: number): string => (ns / 1000).toFixed(1);

/** Sizes of chat requests wrapping the security corpus's texts (see the call), or null without it. */
function otherSourceCheck(): {
  requests: number;
  bytesIn: number;
  q11Bytes: number;
  autoBytes: number;
  bestBytes: number;
} | null {
  const path = resolve(repoRoot, "../shared/corpus/security/dev.jsonl");
  if (!existsSync(path)) return null;
  const out = { requests: 0, bytesIn: 0, q11Bytes: 0, autoBytes: 0, bestBytes: 0 };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const { text } = JSON.parse(line) as { text: string };
    const body = te.encode(
      JSON.stringify({
        model: "gpt-4o-mini",
        messages: [
          { role: "system", content: "You are a helpful assistant." },
          { role: "user", content: text },
        ],
        temperature: 0.7,
      }),
    );
    if (body.length < 200 || body.length > 10240) continue;
    out.requests++;
    out.bytesIn += body.length;
    out.q11Bytes += zlib.brotliCompressSync(body, { params: { [Z.BROTLI_PARAM_QUALITY]: 11 } }).length;
    out.autoBytes += compress(body).length;
    out.bestBytes += compress(body, { effort: "best" }).length;
  }
  return out;
}

function conversations(items: Item[]): { source: string; bodies: Uint8Array[] }[] {
  const out: { source: string; bodies: Uint8Array[] }[] = [];
  for (const item of items.filter((i) => i.folder === "requests")) {
    const req = JSON.parse(new TextDecoder().decode(item.bytes)) as { messages: unknown[] };
    const bodies: Uint8Array[] = [];
    // A growing conversation: the same request with 1, 2, … n of its messages, as a client resends history.
    for (let k = 1; k <= req.messages.length; k++)
      bodies.push(te.encode(JSON.stringify({ ...req, messages: req.messages.slice(0, k) })));
    out.push({ source: item.source, bodies });
  }
  return out;
}

export async function run(): Promise<void> {
  printCommand("codec");
  if (!existsSync(chatDir)) {
    console.log(
      `corpus not found at ${chatDir}: the codec benchmark needs ../shared/corpus/chat next to the repo.`,
    );
    return;
  }
  console.log(
    "Shared 2-core machine, other engineers running jobs: timings are medians and noisy (±2x); sizes and ratios are exact.",
  );
  await loadTokenizer("cl100k");
  const tk = new Tiktoken(cl100k);
  const tokens = (s: string): number => tk.encode(s, [], []).length;
  const items = loadCorpus();
  console.log(
    `corpus: ${items.length} files; default dictionary ${getDefaultDictionary().idHex} (${getDefaultDictionary().bytes.length} B, trained on the train half)`,
  );
  if (!zstd)
    console.log("zstd: not available in this runtime (node:zlib zstd needs Node ≥ 22.15); row omitted.");
  else
    codecs.splice(3, 0, {
      name: "zstd-3 (node)",
      applies: () => true,
      encode: (b) => zstd(b),
      decode: (e) =>
        (zlib as unknown as { zstdDecompressSync: (b: Uint8Array) => Uint8Array }).zstdDecompressSync(
          e as Uint8Array,
        ),
    });

  // Per-message results, keyed by set and codec.
  const sets: Record<string, (i: Item) => boolean> = {
    "target: test half, 0.2–10 KB": (i) =>
      i.half === "test" && i.bytes.length >= 200 && i.bytes.length <= 10240,
    "target · taubench": (i) =>
      i.half === "test" && i.bytes.length >= 200 && i.bytes.length <= 10240 && i.source === "taubench",
    "target · hhrlhf": (i) =>
      i.half === "test" && i.bytes.length >= 200 && i.bytes.length <= 10240 && i.source === "hhrlhf",
    "target · vercel": (i) =>
      i.half === "test" && i.bytes.length >= 200 && i.bytes.length <= 10240 && i.source === "vercel",
    "train half, 0.2–10 KB (dictionary seen this)": (i) =>
      i.half === "train" && i.bytes.length >= 200 && i.bytes.length <= 10240,
    "test half, all sizes": (i) => i.half === "test",
    "all 245 files": () => true,
  };
  const results: Record<string, Record<string, Cell>> = {};
  const tokenTotals: Record<string, number> = {};
  const targetSet = sets["target: test half, 0.2–10 KB"]!;
  for (const item of items) {
    const inTarget = targetSet(item);
    if (inTarget)
      tokenTotals["raw JSON / SSE text"] =
        (tokenTotals["raw JSON / SSE text"] ?? 0) + tokens(new TextDecoder().decode(item.bytes));
    for (const codec of codecs) {
      if (!codec.applies(item)) continue;
      const encoded = codec.encode(item.bytes);
      const back = codec.decode(encoded);
      if (!equal(new Uint8Array(back), item.bytes))
        throw new Error(`${codec.name} did not round-trip ${item.file}`);
      const encodeNs = timeNs(() => codec.encode(item.bytes));
      const decodeNs = timeNs(() => codec.decode(encoded));
      if (inTarget && typeof encoded === "string")
        tokenTotals[codec.name] = (tokenTotals[codec.name] ?? 0) + tokens(encoded);
      for (const [set, pred] of Object.entries(sets)) {
        if (!pred(item)) continue;
        results[set] ??= {};
        const cell = (results[set]![codec.name] ??= emptyCell());
        cell.original += item.bytes.length;
        cell.encoded += sized(encoded);
        cell.encodeNs += encodeNs;
        cell.decodeNs += decodeNs;
        cell.count++;
        cell.encodeMedians.push(encodeNs);
        cell.decodeMedians.push(decodeNs);
      }
    }
  }
  for (const [set, row] of Object.entries(results)) {
    console.log(`\n### ${set} (${Object.values(row)[0]?.count ?? 0} files)\n`);
    const q11 = row["brotli q11"]!;
    const table: string[][] = [
      [
        "codec",
        "files",
        "bytes in",
        "bytes out",
        "ratio",
        "vs q11",
        "enc µs median",
        "enc ms total",
        "dec µs median",
        "dec ms total",
      ],
    ];
    for (const [name, c] of Object.entries(row)) {
      const ratio = c.original / c.encoded;
      table.push([
        name,
        String(c.count),
        String(c.original),
        String(c.encoded),
        `${ratio.toFixed(2)}x`,
        name.startsWith("ref M2M") ? "(JSON only)" : `${(ratio / (q11.original / q11.encoded)).toFixed(2)}`,
        µs(median(c.encodeMedians)),
        (c.encodeNs / 1e6).toFixed(2),
        µs(median(c.decodeMedians)),
        (c.decodeNs / 1e6).toFixed(2),
      ]);
    }
    printTable(table);
  }
  console.log("\n### cl100k tokens of each text form (target set)\n");
  const raw = tokenTotals["raw JSON / SSE text"]!;
  printTable([
    ["text form", "cl100k tokens", "vs raw"],
    ...Object.entries(tokenTotals).map(([k, v]) => [k, String(v), `${(v / raw).toFixed(2)}`]),
  ]);

  // Sessions: growing conversations through DeltaEncoder/DeltaDecoder.
  const sessionRows: string[][] = [
    [
      "sequence set",
      "sequences",
      "requests",
      "raw JSON bytes",
      "brotli q11 each",
      "auto each",
      "delta session",
      "delta ratio",
      "enc µs median",
      "dec µs median",
    ],
  ];
  const sessionJson: Record<string, unknown> = {};
  const convs = conversations(items);
  for (const source of ["all", "taubench", "hhrlhf"]) {
    const chosen = convs.filter((c) => source === "all" || c.source === source);
    let rawBytes = 0;
    let q11Bytes = 0;
    let autoBytes = 0;
    let deltaBytes = 0;
    let requests = 0;
    const enc: number[] = [];
    const dec: number[] = [];
    for (const conv of chosen) {
      const e = new DeltaEncoder();
      const d = new DeltaDecoder();
      for (const body of conv.bodies) {
        requests++;
        rawBytes += body.length;
        q11Bytes += zlib.brotliCompressSync(body, { params: { [Z.BROTLI_PARAM_QUALITY]: 11 } }).length;
        autoBytes += compress(body).length;
        let t = performance.now();
        const frame = e.encode(body);
        enc.push((performance.now() - t) * 1e6);
        t = performance.now();
        const back = d.decode(frame);
        dec.push((performance.now() - t) * 1e6);
        if (!equal(back, body)) throw new Error("delta session did not round-trip");
        deltaBytes += frame.length;
      }
    }
    sessionRows.push([
      source,
      String(chosen.length),
      String(requests),
      String(rawBytes),
      `${q11Bytes} (${(rawBytes / q11Bytes).toFixed(1)}x)`,
      `${autoBytes} (${(rawBytes / autoBytes).toFixed(1)}x)`,
      String(deltaBytes),
      `${(rawBytes / deltaBytes).toFixed(1)}x`,
      µs(median(enc)),
      µs(median(dec)),
    ]);
    sessionJson[source] = {
      sequences: chosen.length,
      requests,
      rawBytes,
      brotliQ11Bytes: q11Bytes,
      autoBytes,
      deltaBytes,
      ratio: rawBytes / deltaBytes,
      encodeUsMedian: median(enc) / 1000,
      decodeUsMedian: median(dec) / 1000,
    };
  }
  console.log(
    "\n### Growing multi-turn conversations (each corpus request replayed as 1, 2, … n messages)\n",
  );
  printTable(sessionRows);

  // SSE: each stream pushed one SSE event (up to a blank line) at a time.
  let sseRaw = 0;
  let sseFramed = 0;
  let sseGzip = 0;
  let sseFrames = 0;
  for (const item of items.filter((i) => i.folder === "streams")) {
    const e = new SseEncoder();
    const d = new SseDecoder();
    const text = new TextDecoder().decode(item.bytes);
    const events = text.split(/(?<=\n\n)/);
    const parts: Uint8Array[] = [];
    for (const ev of events) {
      const evBytes = te.encode(ev);
      sseGzip += zlib.gzipSync(evBytes, { level: 6 }).length;
      for (const f of e.push(evBytes)) {
        sseFramed += f.length;
        sseFrames++;
        parts.push(...d.push(f));
      }
    }
    for (const f of e.end()) {
      sseFramed += f.length;
      parts.push(...d.push(f));
    }
    if (!equal(new Uint8Array(Buffer.concat(parts)), item.bytes))
      throw new Error(`SSE did not round-trip ${item.file}`);
    sseRaw += item.bytes.length;
  }
  console.log("\n### SSE streams, pushed event by event (incremental)\n");
  printTable([
    ["streams", "frames", "raw bytes", "gzip-6 per event", "SseEncoder frames", "ratio"],
    [
      "20",
      String(sseFrames),
      String(sseRaw),
      `${sseGzip} (${(sseRaw / sseGzip).toFixed(2)}x)`,
      String(sseFramed),
      `${(sseRaw / sseFramed).toFixed(2)}x`,
    ],
  ]);

  // Traffic unlike the corpus the dictionary came from: chat requests built around the prompt texts
  // of ../shared/corpus/security (other sources, mostly prose), 0.2–10 KB.
  const otherSource = otherSourceCheck();
  if (otherSource) {
    console.log(
      "\n### Other-source check: chat requests wrapping ../shared/corpus/security/dev.jsonl texts (not in the dictionary's sources)\n",
    );
    printTable([
      ["requests", "bytes in", "brotli q11", "auto", "auto vs q11", "auto, effort best vs q11"],
      [
        String(otherSource.requests),
        String(otherSource.bytesIn),
        `${otherSource.q11Bytes} (${(otherSource.bytesIn / otherSource.q11Bytes).toFixed(2)}x)`,
        `${otherSource.autoBytes} (${(otherSource.bytesIn / otherSource.autoBytes).toFixed(2)}x)`,
        `${(otherSource.q11Bytes / otherSource.autoBytes).toFixed(2)}x`,
        `${(otherSource.q11Bytes / otherSource.bestBytes).toFixed(2)}x`,
      ],
    ]);
  }

  const target = results["target: test half, 0.2–10 KB"]!;
  const ratio = (c: Cell): number => c.original / c.encoded;
  const verdict = {
    autoVsQ11: ratio(target["auto (v2 binary)"]!) / ratio(target["brotli q11"]!),
    autoEncodeMsTotal: target["auto (v2 binary)"]!.encodeNs / 1e6,
    q5EncodeMsTotal: target["brotli q5"]!.encodeNs / 1e6,
    autoDecodeMsTotal: target["auto (v2 binary)"]!.decodeNs / 1e6,
    q11DecodeMsTotal: target["brotli q11"]!.decodeNs / 1e6,
    autoEncodeUsMedian: median(target["auto (v2 binary)"]!.encodeMedians) / 1000,
    bestVsQ11: ratio(target["auto, effort best (v2 binary)"]!) / ratio(target["brotli q11"]!),
    bestEncodeUsMedian: median(target["auto, effort best (v2 binary)"]!.encodeMedians) / 1000,
    bestEncodeMsTotal: target["auto, effort best (v2 binary)"]!.encodeNs / 1e6,
    // Paired per file (timed a few ms apart, so load drifts cancel): median of auto's time / brotli's.
    autoOverQ5EncodePairedMedian: pairedMedian(
      target["auto (v2 binary)"]!.encodeMedians,
      target["brotli q5"]!.encodeMedians,
    ),
    autoOverQ11DecodePairedMedian: pairedMedian(
      target["auto (v2 binary)"]!.decodeMedians,
      target["brotli q11"]!.decodeMedians,
    ),
    q5EncodeUsMedian: median(target["brotli q5"]!.encodeMedians) / 1000,
    autoDecodeUsMedian: median(target["auto (v2 binary)"]!.decodeMedians) / 1000,
    q11DecodeUsMedian: median(target["brotli q11"]!.decodeMedians) / 1000,
    sessionRatio: (sessionJson.all as { ratio: number }).ratio,
  };
  console.log(
    `\nTargets: auto ratio = ${verdict.autoVsQ11.toFixed(2)}x brotli q11's (target ≥ 1.5); auto encode ${verdict.autoEncodeMsTotal.toFixed(1)} ms total / ${verdict.autoEncodeUsMedian.toFixed(1)} µs median vs brotli q5 ${verdict.q5EncodeMsTotal.toFixed(1)} ms / ${verdict.q5EncodeUsMedian.toFixed(1)} µs; auto decode ${verdict.autoDecodeMsTotal.toFixed(1)} ms / ${verdict.autoDecodeUsMedian.toFixed(1)} µs vs brotli q11 decode ${verdict.q11DecodeMsTotal.toFixed(1)} ms / ${verdict.q11DecodeUsMedian.toFixed(1)} µs; session delta ${verdict.sessionRatio.toFixed(1)}x (target ≥ 10). Per file, median of auto's time over brotli's: encode vs q5 ${verdict.autoOverQ5EncodePairedMedian.toFixed(2)}, decode vs q11 ${verdict.autoOverQ11DecodePairedMedian.toFixed(2)}. With effort best: ${verdict.bestVsQ11.toFixed(2)}x brotli q11's ratio, encode ${verdict.bestEncodeMsTotal.toFixed(1)} ms total / ${verdict.bestEncodeUsMedian.toFixed(1)} µs median.`,
  );

  const docs = resolve(repoRoot, "docs/bench");
  const json = {
    suite: "codec",
    command: "pnpm bench codec",
    node: process.version,
    date: new Date().toISOString(),
    note: "shared 2-core machine: timings are per-file medians (summed for totals) and noisy; sizes are exact",
    dictionary: getDefaultDictionary().idHex,
    split: "per folder, names sorted: even index = train (dictionary), odd index = test",
    perMessage: Object.fromEntries(
      Object.entries(results).map(([set, row]) => [
        set,
        Object.fromEntries(
          Object.entries(row).map(([name, c]) => [
            name,
            {
              files: c.count,
              bytesIn: c.original,
              bytesOut: c.encoded,
              ratio: c.original / c.encoded,
              encodeUsMedian: median(c.encodeMedians) / 1000,
              decodeUsMedian: median(c.decodeMedians) / 1000,
              encodeMsTotal: c.encodeNs / 1e6,
              decodeMsTotal: c.decodeNs / 1e6,
            },
          ]),
        ),
      ]),
    ),
    tokensCl100kTargetSet: tokenTotals,
    sessions: sessionJson,
    otherSource,
    sse: { rawBytes: sseRaw, gzip6PerEventBytes: sseGzip, framedBytes: sseFramed, ratio: sseRaw / sseFramed },
    verdict,
  };
  writeFileSync(join(docs, "codec.json"), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(docs, "codec.svg"), svg(target, verdict.sessionRatio));
  console.log(`\nwrote docs/bench/codec.json and docs/bench/codec.svg`);
}

function svg(target: Record<string, Cell>, sessionRatio: number): string {
  const bars = Object.entries(target)
    .filter(([name]) => !name.startsWith("ref M2M"))
    .map(([name, c]) => ({ name, value: c.original / c.encoded }));
  bars.push({ name: "delta session (growing conversations)", value: sessionRatio });
  const max = Math.max(...bars.map((b) => b.value));
  const w = 760;
  const rowH = 26;
  const left = 270;
  const h = 60 + bars.length * rowH;
  const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const rows = bars
    .map((b, i) => {
      const y = 40 + i * rowH;
      const len = ((w - left - 80) * Math.log1p(b.value)) / Math.log1p(max);
      const ours = b.name.startsWith("auto") || b.name.startsWith("dict") || b.name.startsWith("delta");
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="12">${esc(b.name)}</text><rect x="${left}" y="${y}" width="${len.toFixed(1)}" height="18" fill="${ours ? "#2f6fdf" : "#9aa4b2"}"/><text x="${(left + len + 6).toFixed(1)}" y="${y + 14}" font-size="12">${b.value.toFixed(2)}x</text>`;
    })
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<text x="10" y="22" font-size="14" font-weight="bold">Compression ratio, held-out test half 0.2–10 KB (log scale); sessions: growing conversations</text>
${rows}
</svg>
`;
}
