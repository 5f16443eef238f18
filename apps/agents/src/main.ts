// Interim `pnpm demo` (issue 2): frame a few chat requests as reference-compatible #M2M|1| frames,
// read their routing headers without touching the payload, decode them back and print sizes.
// The agent-pair demo replaces this once @m2m/session lands.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import {
  crc32,
  decodeV1Frame,
  encodeV1Frame,
  peekHeader,
  routingHeaderFrom,
  v1BinaryToText,
  v1TextToBinary,
} from "@m2m/wire";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(here, "../../../../shared/corpus/chat/requests");
const sample = resolve(here, "../samples");
const dir = existsSync(corpus) ? corpus : sample;
// Two requests from each source (file names start with the source: hhrlhf-, taubench-, …).
const bySource = new Map<string, string[]>();
for (const f of readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .sort()) {
  const source = f.split("-")[0]!;
  const list = bySource.get(source) ?? [];
  if (list.length < 2) bySource.set(source, [...list, f]);
}
const files = [...bySource.values()].flat();
console.log(
  `M2M wire demo: ${files.length} chat requests from ${dir === corpus ? "../shared/corpus/chat" : "the in-repo sample"}\n`,
);
const rows: string[][] = [
  ["request", "JSON bytes", "frame (binary)", "frame (text)", "model", "messages", "roles", "round trip"],
];
for (const file of files) {
  const json = readFileSync(join(dir, file));
  const routing = routingHeaderFrom(new TextDecoder().decode(json));
  // The reference compresses JSON of 100 bytes or more with brotli q5, window 22.
  const compressed = json.length >= 100;
  const payload = compressed
    ? brotliCompressSync(json, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 22 },
      })
    : json;
  const frame = encodeV1Frame({ routing, compressed, payload, crc32: crc32(json) });
  const text = v1BinaryToText(frame);
  // A router reads the header from the text form without base64-decoding or decompressing the payload.
  const header = peekHeader(text);
  const decoded = decodeV1Frame(v1TextToBinary(text));
  const restored = compressed ? brotliDecompressSync(decoded.payload) : decoded.payload;
  const exact = Buffer.compare(Buffer.from(restored), json) === 0 && crc32(restored) === decoded.crc32;
  const r = header.routing?.kind === "request" ? header.routing : null;
  rows.push([
    file,
    String(json.length),
    String(frame.length),
    String(text.length),
    r?.model ?? "-",
    String(r?.messageCount ?? "-"),
    (r?.roles ?? [])
      .map((x) => x[0])
      .join("")
      .slice(0, 16),
    exact ? "byte-exact" : "MISMATCH",
  ]);
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
console.log(
  "\nroles: s=system u=user a=assistant t=tool. Headers were read with peekHeader() from the text form only.",
);
