import { beforeAll, describe, expect, it } from "vitest";
import {
  DeltaDecoder,
  DeltaEncoder,
  decodeDictionaryFile,
  decodeTokenNativeBinary,
  encodeDictionaryFile,
  encodeTokenNativeBinary,
  getDefaultDictionary,
  trainDictionary,
} from "../src/index.js";
import { lzrContext, lzrDecode, lzrEncode } from "../src/lzr.js";
import {
  growingConversation as conversation,
  fuzz,
  fuzzSeedTexts,
  loadAllTokenizers,
  FUZZ_ITERATIONS as N,
  utf8,
} from "./fuzz-helpers.js";

beforeAll(loadAllTokenizers, 60_000);

describe(`fuzz: ${N} mutated inputs per decoder give a value or an M2MError`, () => {
  it("DeltaDecoder.decode (decoder holds the real bases)", () => {
    const enc = new DeltaEncoder();
    const frames = conversation.map((c) => enc.encode(c));
    const dec = new DeltaDecoder({ limits: { maxDecodedBytes: 1 << 20 } });
    for (const f of frames) dec.decode(f);
    // Re-prime the decoder so every mutated delta has its base available, then fuzz.
    expect(fuzz(N, frames, (b) => dec.decode(b), 21)).toBeGreaterThan(0);
  }, 60_000);
  it("lzrDecode (LZR payloads with the shipped dictionary, declared length of the seed)", () => {
    const ctx = lzrContext(getDefaultDictionary().bytes);
    const inputs = fuzzSeedTexts().map(utf8);
    const seeds = inputs.map((t) => lzrEncode(ctx, t));
    let k = 0;
    expect(fuzz(N, seeds, (b) => lzrDecode(ctx, b, inputs[k++ % inputs.length]!.length), 29)).toBeGreaterThan(
      0,
    );
  }, 120_000);
  it("decodeDictionaryFile", () => {
    const file = encodeDictionaryFile(trainDictionary(conversation.map(utf8)));
    expect(fuzz(N, [file], (b) => decodeDictionaryFile(b), 23)).toBeGreaterThan(0);
  }, 60_000);
  it("decodeTokenNativeBinary (reference binary form)", () => {
    const seeds = [
      encodeTokenNativeBinary("Hello, world!", "cl100k"),
      encodeTokenNativeBinary("hi<|endoftext|>there", "o200k"),
      encodeTokenNativeBinary(conversation[2]!, "llama3"),
    ];
    expect(
      fuzz(N, seeds, (b) => decodeTokenNativeBinary(b, { limits: { maxDecodedBytes: 1 << 20 } }), 24),
    ).toBeGreaterThan(0);
  }, 60_000);
});
