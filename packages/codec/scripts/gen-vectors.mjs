#!/usr/bin/env node
// Regenerate spec/vectors/codec-reference.json (after `pnpm --filter @m2m/codec build`).
// source=reference vectors are copied from seed-codec.md §13.2 and only CHECKED here (the script
// throws if our encoder disagrees); source=m2m vectors are produced by this package.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as w from "@m2m/wire";
import * as c from "../dist/index.js";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../spec/vectors/codec-reference.json");
const hex = (b) => Buffer.from(b).toString("hex");
await c.loadTokenizer("cl100k");
await c.loadTokenizer("o200k");
await c.loadTokenizer("llama3");
const V = [];
const tk = [
  ["Hello, world!", "cl100k", "#TK|C|sk0L/Q4A", "00b24d0bfd0e00"],
  ["Hello, world!", "o200k", "#TK|O|qWcLxxIA", null],
  ["Hello, how are you today?", "cl100k", "#TK|C|sk0L9AmPBPMD6Boe", null],
  ["Hello, how are you today?", "o200k", "#TK|O|qWcL1wupBOEDzB8e", null],
  [
    '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}',
    "cl100k",
    "#TK|C|mieeFIQaRqIDDBNOxxHXggHikASKLoQa8gbHEaoOhBqyTaxJ7G8=",
    null,
  ],
  [
    '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello!"}]}',
    "cl100k",
    "#TK|C|mieeFIQaRqIDDBNOxxHXggHikASKLoQa8gbHEaoOhBqyTa9HXOxv",
    null,
  ],
  ["hi<|endoftext|>there", "cl100k", "#TK|C|hzChjwbhlAE=", null],
];
for (const [text, tokenizer, wire, bin] of tk) {
  if (c.encodeTokenNativeText(text, tokenizer) !== wire)
    throw new Error(`TokenNative disagrees with the reference: ${text}`);
  V.push({
    name: `TokenNative ${tokenizer}: ${text.slice(0, 30)}`,
    source: "reference",
    kind: "tk-text",
    text,
    tokenizer,
    wire,
    ...(bin ? { binaryHex: bin } : {}),
  });
}
for (const text of ["Hello world", "hi<|begin_of_text|>there"]) {
  V.push({
    name: `TokenNative llama3: ${text}`,
    source: "m2m",
    kind: "tk-text",
    text,
    tokenizer: "llama3",
    wire: c.encodeTokenNativeText(text, "llama3"),
    binaryHex: hex(c.encodeTokenNativeBinary(text, "llama3")),
  });
}
V.push({
  name: "m2m v1 Hi (uncompressed, fully deterministic)",
  source: "reference",
  kind: "m2m-v1-text",
  json: '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}',
  text: "#M2M|1|IgABAAAAAAAAAAAAAAAAAAAAAAAGZ3B0LTRvAQECCtejOz4AAABuYFWkeyJtb2RlbCI6ImdwdC00byIsIm1lc3NhZ2VzIjpbeyJyb2xlIjoidXNlciIsImNvbnRlbnQiOiJIaSJ9XX0=",
});
V.push({
  name: "m2m v1 Hello! (uncompressed)",
  source: "reference",
  kind: "m2m-v1-text",
  json: '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello!"}]}',
  text: "#M2M|1|IgABAAAAAAAAAAAAAAAAAAAAAAAGZ3B0LTRvAQEGA+yjO0IAAAAf2HV8eyJtb2RlbCI6ImdwdC00byIsIm1lc3NhZ2VzIjpbeyJyb2xlIjoidXNlciIsImNvbnRlbnQiOiJIZWxsbyEifV19",
});
V.push({
  name: "m2m v1 response (uncompressed)",
  source: "reference",
  kind: "m2m-v1-text",
  json: '{"id":"chatcmpl-456","model":"gpt-4o","choices":[{"message":{"content":"Test"}}]}',
  text: "#M2M|1|KwACAAAAAAAAAAAAAAAAAAAAAAAMY2hhdGNtcGwtNDU2BmdwdC00b/8AAFEAAADbthXBeyJpZCI6ImNoYXRjbXBsLTQ1NiIsIm1vZGVsIjoiZ3B0LTRvIiwiY2hvaWNlcyI6W3sibWVzc2FnZSI6eyJjb250ZW50IjoiVGVzdCJ9fV19",
});
V.push({
  name: "m2m v1 TEST_REQUEST (compressed): header and CRC bytes exact, payload is any valid brotli",
  source: "reference",
  kind: "m2m-v1-header",
  json: '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is 2+2?"}],"temperature":0.7,"max_tokens":1000}',
  headerHex: `234d324d7c317c2400010041100001${"00".repeat(12)}06${hex(Buffer.from("gpt-4o"))}020428e807e63f243c`,
  crcHex: "1b43f61c",
});
V.push({
  name: "m2m v1 TEST_RESPONSE (compressed): header and CRC bytes exact",
  source: "reference",
  kind: "m2m-v1-header",
  json: '{"id":"chatcmpl-abc123","object":"chat.completion","created":1705520400,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"The answer is 4."},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":10,"total_tokens":60}}',
  headerHex: `234d324d7c317c3200020088000001${"00".repeat(12)}0f${hex(Buffer.from("chatcmpl-abc123"))}06${hex(Buffer.from("gpt-4o"))}00320afbed6b39`,
  crcHex: "97c1d7e8",
});
V.push({
  name: "brotli codec decode (Node C-brotli q11 bytes)",
  source: "reference",
  kind: "decode",
  input:
    "#M2M[v3.0]|DATA:G0gA4IzUYs0Z7kSQt5Rd17Rmoim2N9N+ikUHHHLgcMCwBRIIBrUHJJJVAlfrvNoC86Y93dhTpQBYJ1jxLf74",
  output: '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello, world!"}]}',
});
V.push({ name: "passthrough text", source: "m2m", kind: "decode", input: '{"a":1}', output: '{"a":1}' });
V.push({
  name: "unknown TokenNative tokenizer id is an error (reference fell back to cl100k)",
  source: "m2m",
  kind: "decode-error",
  input: "#TK|X|sk0L/Q4A",
  code: "CODEC_UNKNOWN_TOKENIZER",
});
V.push({
  name: "token id outside the vocabulary",
  source: "m2m",
  kind: "decode-error",
  input: "#TK|C|/////w8=",
  code: "CODEC_CORRUPT",
});
V.push({
  name: "#M2M|9| unknown version",
  source: "m2m",
  kind: "decode-error",
  input: "#M2M|9|AAAA",
  code: "CODEC_UNKNOWN_CODEC",
});
for (const s of ["", "a", "foobar"])
  V.push({
    name: `FNV-1a-64 "${s}"`,
    source: "m2m",
    kind: "fnv1a64",
    input: s,
    hex: c.toHex(c.fnv1a64(new TextEncoder().encode(s))),
  });
const enc = (s, o) => hex(c.compress(s, o));
const travel = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Is it safe to travel?"}]}';
V.push({
  name: "v2 raw (auto on a tiny input)",
  source: "m2m",
  kind: "v2-decode",
  hex: enc("hi"),
  output: "hi",
});
V.push({
  name: "v2 dictionary-deflate with the shipped dictionary",
  source: "m2m",
  kind: "v2-decode",
  hex: enc(travel, { algorithm: "dict-deflate" }),
  output: travel,
  dictionaryId: c.getDefaultDictionary().idHex,
});
V.push({
  name: "v2 LZR with the shipped dictionary",
  source: "m2m",
  kind: "v2-decode",
  hex: enc(travel, { algorithm: "dict" }),
  output: travel,
  dictionaryId: c.getDefaultDictionary().idHex,
});
// Dictionary references (spec/codec.md §3): writers name the shipped dictionary with one byte (01);
// readers also accept its 8-byte id, and refuse an index with no entry.
const reparam = (frameHex, params) => {
  const f = w.decodeV2Frame(Buffer.from(frameHex, "hex"));
  return hex(w.encodeV2Frame({ ...f, codecParams: params }));
};
V.push({
  name: "v2 LZR naming the shipped dictionary by its 8-byte id",
  source: "m2m",
  kind: "v2-decode",
  hex: reparam(enc(travel, { algorithm: "dict" }), c.getDefaultDictionary().id),
  output: travel,
  dictionaryId: c.getDefaultDictionary().idHex,
  readerOnly: true,
});
V.push({
  name: "v2 LZR naming well-known dictionary 0x7f (no such entry)",
  source: "m2m",
  kind: "v2-decode-error",
  hex: reparam(enc(travel, { algorithm: "dict" }), Uint8Array.of(0x7f)),
  code: "CODEC_UNKNOWN_DICTIONARY",
});
// A small dictionary given in full, so an implementation can check priming without the shipped one.
const small = c.createDictionary(
  new TextEncoder().encode(
    '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! How are you today?"}]}',
  ),
);
for (const [name, text] of [
  ["v2 LZR, small dictionary: chat request", travel],
  ["v2 LZR, small dictionary: repeats and far matches", `${"abcabcabc ".repeat(12)}xyz ${travel}`],
  [
    "v2 LZR, small dictionary: all byte values",
    String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i)),
  ],
]) {
  V.push({
    name,
    source: "m2m",
    kind: "v2-decode",
    hex: enc(text, { algorithm: "dict", dictionary: small }),
    output: text,
    dictionaryHex: hex(small.bytes),
  });
}
V.push({
  name: "v2 TokenNative cl100k",
  source: "m2m",
  kind: "v2-decode",
  hex: enc("Hello, world!", { algorithm: "tk" }),
  output: "Hello, world!",
});
const bad = c.compress("Hello, world! Hello, world!", { algorithm: "brotli" });
bad[bad.length - 1] ^= 0xff;
V.push({
  name: "v2 brotli with a wrong CRC",
  source: "m2m",
  kind: "v2-decode-error",
  hex: hex(bad),
  code: "CODEC_CHECKSUM_MISMATCH",
});
const lzrBad = c.compress(travel, { algorithm: "dict", dictionary: small });
lzrBad[lzrBad.length - 9] ^= 0x01;
V.push({
  name: "v2 LZR with one payload bit flipped",
  source: "m2m",
  kind: "v2-decode-error",
  hex: hex(lzrBad),
  dictionaryHex: hex(small.bytes),
  codeOneOf: ["CODEC_CORRUPT", "CODEC_CHECKSUM_MISMATCH"],
});
V.push({
  name: "v2 unknown codec id 0x7f",
  source: "m2m",
  kind: "v2-decode-error",
  hex: "c14d0200ff7f00010161",
  code: "CODEC_UNKNOWN_CODEC",
});
V.push({
  name: "v2 delta without the session base",
  source: "m2m",
  kind: "v2-decode-error",
  hex: "c14d0200ff050a000102030405060708000000",
  code: "CODEC_DELTA_BASE_MISSING",
});
writeFileSync(
  out,
  `${JSON.stringify({ suite: "codec/reference", provenance: "source=reference: infernet-org/m2m-protocol @ bc1c336 derived vectors from shared/reference/seed-codec.md §13.2 (TokenNative wires, uncompressed M2M v1 frames, compressed-frame header and CRC bytes, the brotli decode vector), copied exactly. source=m2m: our own, produced by @m2m/codec (spec/codec.md) with packages/codec/scripts/gen-vectors.mjs and checked by its conformance test.", vectors: V }, null, 2)}\n`,
);
console.log(`wrote ${out}: ${V.length} vectors`);
