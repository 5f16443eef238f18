import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openFrame, type ReceivePolicy, randomBytes, type SealOptions, sealFrame } from "@m2m/crypto";
import { crc32, encodeV1Frame, encodeV2Frame, routingHeaderFrom } from "@m2m/wire";
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { formatNs, measure, printCommand, printTable } from "../harness.js";

const te = new TextEncoder();
const SIZES = [200, 2048, 10240] as const;
const KEY = { id: "bench-key", key: new Uint8Array(32).fill(7) };

/** A chat request whose JSON is exactly `size` bytes (content padded with prose). */
function requestOfSize(size: number): Uint8Array {
  const base = { model: "gpt-4o", messages: [{ role: "user", content: "" }] };
  const empty = JSON.stringify(base).length;
  const words = "please summarise the attached flight policy for the customer ";
  base.messages[0]!.content = words.repeat(Math.ceil(size / words.length)).slice(0, size - empty);
  const bytes = te.encode(JSON.stringify(base));
  if (bytes.length !== size) throw new Error(`size ${bytes.length} ≠ ${size}`);
  return bytes;
}

const ROUNDS = 7;
const ROUND_MS = 60;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function summarise(size: number, operation: string, rounds: [number, number][]): Row {
  return {
    size,
    operation,
    oursNs: median(rounds.map((r) => r[0])),
    primitiveNs: median(rounds.map((r) => r[1])),
    ratio: median(rounds.map((r) => r[0] / r[1])),
  };
}

interface Row {
  size: number;
  operation: string;
  oursNs: number;
  primitiveNs: number;
  ratio: number;
}

export async function run(): Promise<void> {
  printCommand("crypto");
  console.log(
    `Medians over ${ROUNDS} interleaved rounds (ratio = median of per-round ratios); 2 shared cores, so absolute times are noisy.\n`,
  );
  const rows: Row[] = [];
  const nonce24 = randomBytes(24);
  const nonce12 = randomBytes(12);
  for (const size of SIZES) {
    const json = requestOfSize(size);
    const routing = routingHeaderFrom(JSON.parse(new TextDecoder().decode(json)));
    const v2 = encodeV2Frame({
      schema: 1,
      codec: 0,
      routing,
      originalLength: size,
      crc32: crc32(json),
      payload: json,
    });
    const v1 = encodeV1Frame({ routing, compressed: false, payload: json, crc32: crc32(json) });
    const cases: {
      name: string;
      frame: Uint8Array;
      options: SealOptions;
      require: ReceivePolicy["require"];
      sealPrimitive: () => unknown;
      openPrimitive: () => unknown;
    }[] = [];
    const aad = v2.subarray(0, 40);
    const xct = xchacha20poly1305(KEY.key, nonce24, aad).encrypt(json);
    cases.push({
      name: "v2 xchacha20-poly1305",
      frame: v2,
      options: {},
      require: "aead",
      sealPrimitive: () => xchacha20poly1305(KEY.key, nonce24, aad).encrypt(json),
      openPrimitive: () => xchacha20poly1305(KEY.key, nonce24, aad).decrypt(xct),
    });
    const cct = chacha20poly1305(KEY.key, nonce12, aad).encrypt(json);
    cases.push({
      name: "v2 chacha20-poly1305",
      frame: v2,
      options: { cipher: "chacha20-poly1305" },
      require: "aead",
      sealPrimitive: () => chacha20poly1305(KEY.key, nonce12, aad).encrypt(json),
      openPrimitive: () => chacha20poly1305(KEY.key, nonce12, aad).decrypt(cct),
    });
    cases.push({
      name: "v2 hmac-sha256",
      frame: v2,
      options: { mode: "hmac" },
      require: "hmac",
      sealPrimitive: () => hmac(sha256, KEY.key, v2),
      openPrimitive: () => hmac(sha256, KEY.key, v2),
    });
    cases.push({
      name: "v1 chacha20-poly1305",
      frame: v1,
      options: { mode: "aead" },
      require: "aead",
      sealPrimitive: () => chacha20poly1305(KEY.key, nonce12, aad).encrypt(json),
      openPrimitive: () => chacha20poly1305(KEY.key, nonce12, aad).decrypt(cct),
    });
    cases.push({
      name: "v1 hmac-sha256",
      frame: v1,
      options: { mode: "hmac" },
      require: "hmac",
      sealPrimitive: () => hmac(sha256, KEY.key, v1),
      openPrimitive: () => hmac(sha256, KEY.key, v1),
    });
    for (const c of cases) {
      const sealed = sealFrame(c.frame, KEY, c.options);
      const policy: ReceivePolicy = { require: c.require, keys: [KEY] };
      // Interleave ours and the primitive in several short rounds so both see the same machine
      // load, and report the median of the per-round ratios (robust to load shifts between rounds).
      const sealRounds: [number, number][] = [];
      const openRounds: [number, number][] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const sp = measure("primitive", c.sealPrimitive, { minTimeMs: ROUND_MS }).medianNs;
        const so = measure("seal", () => sealFrame(c.frame, KEY, c.options), {
          minTimeMs: ROUND_MS,
        }).medianNs;
        const op = measure("primitive", c.openPrimitive, { minTimeMs: ROUND_MS }).medianNs;
        const oo = measure("open", () => openFrame(sealed, policy), { minTimeMs: ROUND_MS }).medianNs;
        sealRounds.push([so, sp]);
        openRounds.push([oo, op]);
      }
      rows.push(summarise(size, `seal ${c.name}`, sealRounds));
      rows.push(summarise(size, `open ${c.name}`, openRounds));
    }
  }
  printTable([
    ["payload", "operation", "@m2m/crypto (median)", "bare noble primitive (median)", "ratio (median)"],
    ...rows.map((r) => [
      `${r.size} B`,
      r.operation,
      formatNs(r.oursNs),
      formatNs(r.primitiveNs),
      `${r.ratio.toFixed(2)}x`,
    ]),
  ]);
  const at2k = rows.filter((r) => r.size === 2048);
  const worst = Math.max(...at2k.map((r) => r.ratio));
  console.log(`\nWorst overhead at 2 KB: ${worst.toFixed(2)}x the bare primitive (target < 2x).`);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  const out = resolve(repoRoot, "docs/bench");
  mkdirSync(out, { recursive: true });
  writeFileSync(
    resolve(out, "crypto.json"),
    `${JSON.stringify(
      {
        suite: "crypto",
        command: "pnpm bench crypto",
        node: process.version,
        date: new Date().toISOString(),
        note: "Medians over interleaved rounds; ratio = median of per-round ratios; the primitive is the bare @noble call on the payload (AEAD) or the whole frame (HMAC), measured in the same run. Shared 2-core machine.",
        rows,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(resolve(out, "crypto.svg"), svg(rows));
  console.log("wrote docs/bench/crypto.json and docs/bench/crypto.svg");
}

/** Horizontal bars: overhead ratio per operation and size, with the 2x target marked. */
function svg(rows: Row[]): string {
  const barH = 14;
  const gap = 4;
  const left = 260;
  const width = 760;
  const scale = (width - left - 60) / Math.max(3, ...rows.map((r) => r.ratio));
  const height = 40 + rows.length * (barH + gap) + 20;
  const colors: Record<number, string> = { 200: "#8ab4f8", 2048: "#1a73e8", 10240: "#0b3d91" };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13" font-weight="bold">@m2m/crypto time ÷ bare noble primitive (median; lower is better)</text>`,
  ];
  rows.forEach((r, i) => {
    const y = 32 + i * (barH + gap);
    parts.push(`<text x="10" y="${y + 11}">${r.size} B  ${r.operation}</text>`);
    parts.push(
      `<rect x="${left}" y="${y}" width="${(r.ratio * scale).toFixed(1)}" height="${barH}" fill="${colors[r.size] ?? "#888"}"/>`,
    );
    parts.push(
      `<text x="${(left + r.ratio * scale + 4).toFixed(1)}" y="${y + 11}">${r.ratio.toFixed(2)}x</text>`,
    );
  });
  const x2 = (left + 2 * scale).toFixed(1);
  parts.push(
    `<line x1="${x2}" y1="28" x2="${x2}" y2="${height - 16}" stroke="#d93025" stroke-dasharray="4 3"/>`,
    `<text x="${Number(x2) + 3}" y="${height - 4}" fill="#d93025">2x target</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}
