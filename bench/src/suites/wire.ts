import zlib from "node:zlib";
import {
  crc32,
  decodeBase64,
  decodeV1Frame,
  decodeV2Frame,
  decodeVarint32,
  encodeBase64,
  encodeV1Frame,
  encodeV2Frame,
  encodeVarint32,
  peekHeader,
  routingHeaderFrom,
  v1BinaryToText,
} from "@m2m/wire";
import { formatNs, type Measurement, measure, printCommand, printTable } from "../harness.js";

const te = new TextEncoder();
const REQUEST = JSON.stringify({
  model: "gpt-4o",
  messages: [
    {
      role: "system",
      content: "You are a helpful assistant for an airline. Follow the policy below. ".repeat(10),
    },
    { role: "user", content: "I need to change my flight to tomorrow morning, booking ABC123." },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_booking", arguments: '{"id":"ABC123"}' } },
      ],
    },
    {
      role: "tool",
      tool_call_id: "call_1",
      content: JSON.stringify({ id: "ABC123", flights: [{ no: "TP259", date: "2026-12-03" }] }),
    },
  ],
  temperature: 0,
  max_tokens: 500,
});

/** Plain-JS varint encode/decode without bounds or canonical checks: the "obvious" baseline. */
function naiveVarint(value: number): number[] {
  const out: number[] = [];
  while (value > 127) {
    out.push((value & 127) | 128);
    value >>>= 7;
  }
  out.push(value);
  return out;
}
function naiveVarintDecode(bytes: ArrayLike<number>): number {
  let v = 0;
  let shift = 0;
  for (let i = 0; i < bytes.length; i++) {
    v |= (bytes[i]! & 127) << shift;
    if (bytes[i]! < 128) break;
    shift += 7;
  }
  return v >>> 0;
}

export async function run(): Promise<void> {
  printCommand("wire");
  const payload = te.encode(REQUEST);
  const data2k = payload.subarray(0, 2048);
  const data64k = new Uint8Array(65536).map((_, i) => (i * 31) & 255);
  const b64 = encodeBase64(data2k);
  const routing = routingHeaderFrom(REQUEST);
  const v1 = encodeV1Frame({ routing, compressed: false, payload, crc32: crc32(payload) });
  const v1text = v1BinaryToText(v1);
  const v2 = encodeV2Frame({
    schema: 1,
    codec: 0,
    routing,
    originalLength: payload.length,
    crc32: 1,
    payload,
  });
  const values = Array.from({ length: 1024 }, (_, i) => (i * 2654435761) >>> (i % 32));
  const encoded = values.map((v) => encodeVarint32(v));
  let sink = 0;
  const pairs: Array<[string, Measurement, Measurement | null, string]> = [
    [
      "varint32 encode ×1024",
      measure("m2m", () => {
        for (const v of values) sink += encodeVarint32(v).length;
      }),
      measure("naive JS", () => {
        for (const v of values) sink += naiveVarint(v).length;
      }),
      "naive loop, no range checks",
    ],
    [
      "varint32 decode ×1024",
      measure("m2m", () => {
        for (const b of encoded) sink += decodeVarint32(b).value;
      }),
      measure("naive JS", () => {
        for (const b of encoded) sink += naiveVarintDecode(b);
      }),
      "naive loop, no overlong/truncation checks",
    ],
    [
      "crc32 2 KB",
      measure("m2m", () => (sink += crc32(data2k))),
      measure("zlib.crc32", () => (sink += zlib.crc32(data2k))),
      "node:zlib crc32 (native)",
    ],
    [
      "crc32 64 KB",
      measure("m2m", () => (sink += crc32(data64k))),
      measure("zlib.crc32", () => (sink += zlib.crc32(data64k))),
      "node:zlib crc32 (native)",
    ],
    [
      "base64 encode 2 KB",
      measure("m2m", () => (sink += encodeBase64(data2k).length)),
      measure(
        "Buffer",
        () =>
          (sink += Buffer.from(data2k.buffer, data2k.byteOffset, data2k.length).toString("base64").length),
      ),
      "Buffer#toString('base64')",
    ],
    [
      "base64 decode 2 KB (strict)",
      measure("m2m", () => (sink += decodeBase64(b64).length)),
      measure("Buffer", () => (sink += Buffer.from(b64, "base64").length)),
      "Buffer.from(…, 'base64'), lenient",
    ],
    [
      "routing header from JSON",
      measure("m2m", () => (sink += routingHeaderFrom(REQUEST).flags)),
      measure("JSON.parse", () => (sink += JSON.parse(REQUEST).messages.length)),
      "JSON.parse alone",
    ],
    [
      "v1 frame encode",
      measure("m2m", () => (sink += encodeV1Frame({ routing, compressed: false, payload, crc32: 1 }).length)),
      null,
      "",
    ],
    ["v1 frame decode", measure("m2m", () => (sink += decodeV1Frame(v1).payload.length)), null, ""],
    ["v1 peekHeader (text form)", measure("m2m", () => (sink += peekHeader(v1text).schema)), null, ""],
    [
      "v2 frame encode",
      measure(
        "m2m",
        () =>
          (sink += encodeV2Frame({
            schema: 1,
            codec: 0,
            routing,
            originalLength: payload.length,
            crc32: 1,
            payload,
          }).length),
      ),
      null,
      "",
    ],
    ["v2 frame decode", measure("m2m", () => (sink += decodeV2Frame(v2).payload.length)), null, ""],
  ];
  const rows = [["operation", "m2m median", "m2m ops/s", "baseline", "baseline median", "m2m ÷ baseline"]];
  for (const [op, ours, base, baseName] of pairs) {
    rows.push([
      op,
      formatNs(ours.medianNs),
      Math.round(ours.opsPerSecond).toLocaleString("en-US"),
      base ? baseName : "–",
      base ? formatNs(base.medianNs) : "–",
      base ? `${(ours.medianNs / base.medianNs).toFixed(2)}x` : "–",
    ]);
  }
  printTable(rows);
  console.log(
    `\nrequest JSON ${payload.length} B; v1 frame ${v1.length} B, v2 frame ${v2.length} B (both uncompressed); checksum ${sink & 1}`,
  );
}
