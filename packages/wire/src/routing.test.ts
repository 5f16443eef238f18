import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinaryWriter } from "./binary.js";
import { estimateCostUsd } from "./cost.js";
import { M2MError } from "./errors.js";
import {
  decodeV1Routing,
  decodeV2Routing,
  encodeV1Routing,
  encodeV2Routing,
  messageRole,
  RequestFlag,
  ResponseFlag,
  type Routing,
  routingHeaderFrom,
  Schema,
  schemaOf,
  V1ExtraFlag,
} from "./routing.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const TEST_REQUEST =
  '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is 2+2?"}],"temperature":0.7,"max_tokens":1000}';

describe("routingHeaderFrom", () => {
  it("derives the reference fields of TEST_REQUEST", () => {
    const r = routingHeaderFrom(TEST_REQUEST);
    expect(r).toMatchObject({
      kind: "request",
      model: "gpt-4o",
      messageCount: 2,
      roles: ["system", "user"],
      contentBytes: 40,
      maxTokens: 1000,
    });
    expect(r.flags).toBe(
      RequestFlag.HAS_SYSTEM_PROMPT | RequestFlag.HAS_MAX_TOKENS | RequestFlag.HAS_TEMPERATURE,
    );
    expect(r.costEstimate).toBe(estimateCostUsd("gpt-4o", 10, 1000));
  });

  it("sets flags by key presence, including null values", () => {
    const r = routingHeaderFrom({
      model: "m",
      messages: [],
      tools: null,
      tool_choice: "auto",
      stream: true,
      seed: null,
      user: "u",
      stop: null,
      top_p: 1,
    });
    const f = RequestFlag;
    expect(r.flags).toBe(
      f.HAS_TOOLS |
        f.HAS_TOOL_CHOICE |
        f.STREAM_REQUESTED |
        f.HAS_SEED |
        f.HAS_USER_ID |
        f.HAS_STOP |
        f.HAS_TOP_P,
    );
  });

  it("counts UTF-8 bytes of string content and text parts, and detects images", () => {
    const r = routingHeaderFrom({
      model: "m",
      messages: [
        { role: "user", content: "héllo" },
        {
          role: "user",
          content: [
            { type: "text", text: "😀" },
            { type: "image_url", image_url: { url: "x" } },
          ],
        },
      ],
    });
    expect(r.kind === "request" && r.contentBytes).toBe(6 + 4);
    expect(r.flags & RequestFlag.HAS_IMAGES).toBeTruthy();
  });

  it("keeps max_tokens: null as no value (reference bug B4) and prefers max_tokens over max_completion_tokens", () => {
    const a = routingHeaderFrom({ model: "m", messages: [], max_tokens: null, max_completion_tokens: 50 });
    expect(a.kind === "request" && a.maxTokens).toBe(null);
    expect(a.flags & RequestFlag.HAS_MAX_TOKENS).toBe(0);
    const b = routingHeaderFrom({ model: "m", messages: [], max_completion_tokens: 50 });
    expect(b.kind === "request" && b.maxTokens).toBe(50);
  });

  it("messageRole maps known roles and everything else to other", () => {
    expect(
      ["system", "developer", "user", "assistant", "tool", "function"].map((role) => messageRole({ role })),
    ).toEqual(["system", "developer", "user", "assistant", "tool", "function"]);
    expect([{ role: "critic" }, { role: 3 }, {}, null, "user"].map(messageRole)).toEqual([
      "other",
      "other",
      "other",
      "other",
      "other",
    ]);
  });

  it("marks unknown and missing roles as other", () => {
    const r = routingHeaderFrom({
      model: "m",
      messages: [{ content: "hi" }, { role: "critic" }, { role: "developer" }],
    });
    expect(r.kind === "request" && r.roles).toEqual(["other", "other", "developer"]);
  });

  it("picks request vs response like the reference", () => {
    expect(schemaOf({ model: "m", messages: [] })).toBe(Schema.REQUEST);
    expect(schemaOf({ choices: [] })).toBe(Schema.RESPONSE);
    expect(schemaOf({ id: "chatcmpl-1" })).toBe(Schema.RESPONSE);
    expect(schemaOf({ error: { message: "x" } })).toBe(Schema.REQUEST);
    expect(schemaOf([1, 2])).toBe(Schema.REQUEST);
  });

  it("derives response fields and flags", () => {
    const r = routingHeaderFrom({
      id: "chatcmpl-9",
      model: "gpt-4o",
      choices: [{ message: { role: "assistant", content: null, tool_calls: [] }, finish_reason: "length" }],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 7,
        prompt_tokens_details: { cached_tokens: 3 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(r).toMatchObject({
      kind: "response",
      id: "chatcmpl-9",
      finishReason: "length",
      promptTokens: 5,
      completionTokens: 7,
      cachedTokens: 3,
      reasoningTokens: null,
    });
    expect(r.flags).toBe(
      ResponseFlag.HAS_TOOL_CALLS |
        ResponseFlag.TRUNCATED |
        ResponseFlag.HAS_USAGE |
        ResponseFlag.HAS_CACHED_TOKENS |
        ResponseFlag.HAS_COST_ESTIMATE,
    );
  });

  it("throws WIRE_BAD_JSON on invalid text", () => {
    expect(() => routingHeaderFrom("{nope")).toThrowError(expect.objectContaining({ code: "WIRE_BAD_JSON" }));
  });
});

describe("v1 routing header", () => {
  it("writes the reference bytes of TEST_REQUEST", () => {
    const { bytes, extraFlags } = encodeV1Routing(routingHeaderFrom(TEST_REQUEST));
    expect(hex(bytes)).toBe("066770742d346f020428e807e63f243c");
    expect(extraFlags).toBe(0);
  });

  it("reads a reference frame that skipped an unknown role (bug B3)", () => {
    // What the reference writes for {"model":"x","messages":[{"content":"hi"},{"role":"user","content":"yo"}]}:
    // one packed role (user) for two messages, so its own decoder misreads content_hint.
    const cost = estimateCostUsd("x", 1, 500);
    const bytes = new BinaryWriter()
      .uint8(1)
      .bytes(Uint8Array.of(0x78))
      .varint(2)
      .uint8(0x01)
      .varint(4)
      .float32le(cost)
      .finish();
    const r = decodeV1Routing(bytes, Schema.REQUEST, 0, 0);
    expect(r).toMatchObject({
      kind: "request",
      model: "x",
      messageCount: 2,
      contentBytes: 4,
      maxTokens: null,
      rolesExact: true,
    });
    expect(r?.costEstimate).toBe(cost);
    const skipped = new BinaryWriter()
      .uint8(1)
      .bytes(Uint8Array.of(0x78))
      .varint(5)
      .varint(4)
      .float32le(cost)
      .finish();
    const s = decodeV1Routing(skipped, Schema.REQUEST, 0, 0);
    expect(s).toMatchObject({ messageCount: 5, contentBytes: 4, rolesExact: false });
    expect(s?.kind === "request" && s.roles).toEqual(["other", "other", "other", "other", "other"]);
  });

  it("reads a reference frame with HAS_MAX_TOKENS set but no value (bug B4)", () => {
    const cost = estimateCostUsd("m", 0, 500);
    const bytes = new BinaryWriter()
      .uint8(1)
      .bytes(Uint8Array.of(0x6d))
      .varint(0)
      .varint(0)
      .float32le(cost)
      .finish();
    const r = decodeV1Routing(bytes, Schema.REQUEST, RequestFlag.HAS_MAX_TOKENS, 0);
    expect(r).toMatchObject({ maxTokens: null, costEstimate: cost, contentBytes: 0 });
  });

  it("writes one role slot per message and flags unknown roles (fix for B3)", () => {
    const routing = routingHeaderFrom({
      model: "x",
      messages: [{ content: "hi" }, { role: "user", content: "yo" }],
    });
    const { bytes, extraFlags } = encodeV1Routing(routing);
    expect(extraFlags & V1ExtraFlag.ROLES_INEXACT).toBeTruthy();
    expect(bytes[3]).toBe(0x01 | (0x01 << 2));
    const back = decodeV1Routing(bytes, Schema.REQUEST, routing.flags, extraFlags);
    expect(back).toMatchObject({ messageCount: 2, contentBytes: 4, rolesExact: false });
  });

  it("cuts a model over 255 bytes at a character boundary and flags it (fix for B1)", () => {
    const model = "é".repeat(200);
    const { bytes, extraFlags } = encodeV1Routing(routingHeaderFrom({ model, messages: [] }));
    expect(extraFlags & V1ExtraFlag.MODEL_TRUNCATED).toBeTruthy();
    expect(bytes[0]).toBe(254);
    const back = decodeV1Routing(bytes, Schema.REQUEST, 0, extraFlags);
    expect(back).toMatchObject({ model: "é".repeat(127), modelTruncated: true });
  });

  it("rejects a header whose length matches no layout", () => {
    const bytes = Uint8Array.of(1, 0x78, 1, 1, 2, 9, 9, 9, 9, 9, 9);
    expect(() => decodeV1Routing(bytes, Schema.REQUEST, 0, 0)).toThrowError(M2MError);
  });
});

const roleArb = fc.constantFrom(
  "system",
  "developer",
  "user",
  "assistant",
  "tool",
  "function",
  "other" as const,
);
const routingArb: fc.Arbitrary<Routing> = fc.oneof(
  fc
    .record({
      kind: fc.constant("request" as const),
      model: fc.string({ maxLength: 40 }),
      modelTruncated: fc.boolean(),
      roles: fc.array(roleArb, { maxLength: 30 }),
      rolesExact: fc.constant(true),
      contentBytes: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      maxTokens: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: null }),
      costEstimate: fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround),
      flags: fc.integer({ min: 0, max: 0x7fff }),
    })
    .map((r) => ({
      ...r,
      messageCount: r.roles.length,
      flags:
        r.maxTokens === null ? r.flags & ~RequestFlag.HAS_MAX_TOKENS : r.flags | RequestFlag.HAS_MAX_TOKENS,
    })),
  fc
    .record({
      kind: fc.constant("response" as const),
      id: fc.string({ maxLength: 40 }),
      model: fc.string({ maxLength: 40 }),
      modelTruncated: fc.boolean(),
      finishReason: fc.constantFrom("stop", "length", "tool_calls", "content_filter", "other" as const),
      promptTokens: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      completionTokens: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      cachedTokens: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: null }),
      reasoningTokens: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: null }),
      costEstimate: fc.option(fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround), {
        nil: null,
      }),
      flags: fc.integer({ min: 0, max: 0x1f }),
    })
    .map((r) => ({
      ...r,
      flags:
        r.flags |
        (r.cachedTokens === null ? 0 : ResponseFlag.HAS_CACHED_TOKENS) |
        (r.reasoningTokens === null ? 0 : ResponseFlag.HAS_REASONING_TOKENS) |
        (r.costEstimate === null ? 0 : ResponseFlag.HAS_COST_ESTIMATE),
    })),
);

describe("routing encodings round-trip (property)", () => {
  it("v2 keeps every field exactly", () => {
    fc.assert(
      fc.property(routingArb, (routing) => {
        const back = decodeV2Routing(encodeV2Routing(routing));
        expect(back).toEqual({
          ...routing,
          model: new TextDecoder().decode(new TextEncoder().encode(routing.model)),
          ...(routing.kind === "response"
            ? { id: new TextDecoder().decode(new TextEncoder().encode(routing.id)) }
            : {}),
        });
      }),
    );
  });

  it("v1 keeps the fields it can represent", () => {
    fc.assert(
      fc.property(routingArb, (routing) => {
        const { bytes, extraFlags } = encodeV1Routing(routing);
        const schema = routing.kind === "request" ? Schema.REQUEST : Schema.RESPONSE;
        const back = decodeV1Routing(bytes, schema, routing.flags, extraFlags)!;
        expect(back.kind).toBe(routing.kind);
        if (back.kind === "request" && routing.kind === "request") {
          expect(back.messageCount).toBe(routing.messageCount);
          expect(back.contentBytes).toBe(routing.contentBytes);
          expect(back.maxTokens).toBe(routing.maxTokens);
          expect(back.costEstimate).toBe(routing.costEstimate);
        }
        if (back.kind === "response" && routing.kind === "response") {
          expect(back.promptTokens).toBe(routing.promptTokens);
          expect(back.cachedTokens).toBe(routing.cachedTokens);
          expect(back.finishReason).toBe(routing.finishReason);
        }
      }),
    );
  });
});
