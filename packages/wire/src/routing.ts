import { BinaryReader, BinaryWriter } from "./binary.js";
import { DEFAULT_COMPLETION_TOKENS, estimateCostUsd, estimateTokensFromBytes } from "./cost.js";
import { M2MError, WireErrorCode } from "./errors.js";
import { checkLimit, DEFAULT_LIMITS, type WireLimits } from "./limits.js";
import { decodeUtf8, encodeUtf8, truncateUtf8, utf8Length } from "./utf8.js";

/** Frame schema byte (reference table; the v1 encoder writes only REQUEST and RESPONSE). */
export const Schema = {
  REQUEST: 0x01,
  RESPONSE: 0x02,
  STREAM: 0x03,
  EMBEDDING_REQUEST: 0x04,
  EMBEDDING_RESPONSE: 0x05,
  ERROR: 0x10,
  CUSTOM: 0xfe,
  UNKNOWN: 0xff,
} as const;
export type Schema = (typeof Schema)[keyof typeof Schema];

/** Request flags (bits 0–15 of the frame flags). "Present" includes a key whose value is `null`. */
export const RequestFlag = {
  HAS_SYSTEM_PROMPT: 0x0001,
  HAS_TOOLS: 0x0002,
  HAS_TOOL_CHOICE: 0x0004,
  HAS_IMAGES: 0x0008,
  STREAM_REQUESTED: 0x0010,
  HAS_RESPONSE_FORMAT: 0x0020,
  HAS_MAX_TOKENS: 0x0040,
  HAS_REASONING_EFFORT: 0x0080,
  HAS_SERVICE_TIER: 0x0100,
  HAS_SEED: 0x0200,
  HAS_LOGPROBS: 0x0400,
  HAS_USER_ID: 0x0800,
  HAS_TEMPERATURE: 0x1000,
  HAS_TOP_P: 0x2000,
  HAS_STOP: 0x4000,
} as const;

/** Response flags (bits 0–15 of the frame flags). */
export const ResponseFlag = {
  HAS_TOOL_CALLS: 0x01,
  HAS_REFUSAL: 0x02,
  CONTENT_FILTERED: 0x04,
  HAS_USAGE: 0x08,
  TRUNCATED: 0x10,
  HAS_CACHED_TOKENS: 0x20,
  HAS_REASONING_TOKENS: 0x40,
  HAS_COST_ESTIMATE: 0x80,
} as const;

/** A message role as M2M tracks it. `other` covers a missing, unknown or non-string role. */
export type Role = "system" | "developer" | "user" | "assistant" | "tool" | "function" | "other";

/** Finish reason as carried in a response header; `other` is a missing or unrecognised reason. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "other";

/** Routing metadata of a chat-completion request, readable without touching the payload. */
export interface RequestRouting {
  readonly kind: "request";
  /** `$.model`, or `""`. May be cut at a character boundary (see `modelTruncated`). */
  readonly model: string;
  readonly modelTruncated: boolean;
  readonly messageCount: number;
  /** One role per message, in order. */
  readonly roles: readonly Role[];
  /** False when the header format could not represent every role exactly (v1 with unknown roles). */
  readonly rolesExact: boolean;
  /** Sum of UTF-8 bytes of string content and text parts. */
  readonly contentBytes: number;
  /** `max_tokens` (or `max_completion_tokens`) when it is a non-negative integer, else null. */
  readonly maxTokens: number | null;
  /** Estimated cost in USD (f32, reference formula). */
  readonly costEstimate: number;
  /** {@link RequestFlag} bits. */
  readonly flags: number;
}

/** Routing metadata of a chat-completion response. */
export interface ResponseRouting {
  readonly kind: "response";
  readonly id: string;
  readonly model: string;
  readonly modelTruncated: boolean;
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number | null;
  readonly reasoningTokens: number | null;
  readonly costEstimate: number | null;
  /** {@link ResponseFlag} bits. */
  readonly flags: number;
}

export type Routing = RequestRouting | ResponseRouting;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const has = (o: Json, k: string): boolean => Object.hasOwn(o, k);
/** serde's `as_u64`: a non-negative integer. (JSON.parse cannot tell `100` from `100.0`; both count.) */
const asU64 = (v: unknown): number | null =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null;
const asU32 = (v: unknown): number | null => {
  const n = asU64(v);
  return n === null ? null : n % 2 ** 32;
};

const ROLE_NAMES: ReadonlySet<string> = new Set([
  "system",
  "developer",
  "user",
  "assistant",
  "tool",
  "function",
]);
/**
 * The {@link Role} of a chat message: its `role` when that is one M2M tracks, else `other`
 * (missing, unknown or not a string).
 *
 * @example messageRole({ role: "tool", content: "…" }) // "tool"; messageRole({ role: "critic" }) // "other"
 */
export function messageRole(message: unknown): Role {
  const role = isObject(message) ? message.role : undefined;
  return typeof role === "string" && ROLE_NAMES.has(role) ? (role as Role) : "other";
}

/** Which schema the reference would pick for a parsed JSON value (seed-codec §3.7). */
export function schemaOf(value: unknown): typeof Schema.REQUEST | typeof Schema.RESPONSE {
  if (!isObject(value)) return Schema.REQUEST;
  if (has(value, "messages") && has(value, "model")) return Schema.REQUEST;
  if (has(value, "choices")) return Schema.RESPONSE;
  if (typeof value.id === "string" && value.id.startsWith("chatcmpl-")) return Schema.RESPONSE;
  return Schema.REQUEST;
}

/**
 * Compute the routing metadata of a chat-completion request or response, as a router would see it.
 * Accepts the JSON text or the already-parsed value.
 *
 * @example routingHeaderFrom('{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}').model // "gpt-4o"
 */
export function routingHeaderFrom(
  json: unknown,
  limits: Pick<WireLimits, "maxModelBytes"> = DEFAULT_LIMITS,
): Routing {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new M2MError(WireErrorCode.BAD_JSON, "input is not valid JSON", { cause });
    }
  }
  return schemaOf(value) === Schema.RESPONSE
    ? responseRouting(value as Json, limits.maxModelBytes)
    : requestRouting(value, limits.maxModelBytes);
}

function clampModel(model: string, maxBytes: number): [string, boolean] {
  const cut = truncateUtf8(model, maxBytes);
  return [cut, cut.length !== model.length];
}

function requestRouting(value: unknown, maxModelBytes: number): RequestRouting {
  const o = isObject(value) ? value : {};
  const messages = Array.isArray(o.messages) ? o.messages : [];
  let flags = 0;
  let contentBytes = 0;
  const roles: Role[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const role = messageRole(m);
    roles[i] = role;
    if (role === "system" || role === "developer") flags |= RequestFlag.HAS_SYSTEM_PROMPT;
    if (!isObject(m)) continue;
    const content = m.content;
    if (typeof content === "string") contentBytes += utf8Length(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (!isObject(part)) continue;
        if (typeof part.text === "string") contentBytes += utf8Length(part.text);
        if (part.type === "image_url") flags |= RequestFlag.HAS_IMAGES;
      }
    }
  }
  contentBytes %= 2 ** 32;
  if (has(o, "tools") || has(o, "functions")) flags |= RequestFlag.HAS_TOOLS;
  if (has(o, "tool_choice") || has(o, "function_call")) flags |= RequestFlag.HAS_TOOL_CHOICE;
  if (o.stream === true) flags |= RequestFlag.STREAM_REQUESTED;
  if (has(o, "response_format")) flags |= RequestFlag.HAS_RESPONSE_FORMAT;
  if (has(o, "reasoning_effort")) flags |= RequestFlag.HAS_REASONING_EFFORT;
  if (has(o, "service_tier")) flags |= RequestFlag.HAS_SERVICE_TIER;
  if (has(o, "seed")) flags |= RequestFlag.HAS_SEED;
  if (has(o, "logprobs")) flags |= RequestFlag.HAS_LOGPROBS;
  if (has(o, "user")) flags |= RequestFlag.HAS_USER_ID;
  if (has(o, "temperature")) flags |= RequestFlag.HAS_TEMPERATURE;
  if (has(o, "top_p")) flags |= RequestFlag.HAS_TOP_P;
  if (has(o, "stop")) flags |= RequestFlag.HAS_STOP;
  // Reference rule: max_tokens if the key exists (even null), else max_completion_tokens.
  const maxTokens = asU32(has(o, "max_tokens") ? o.max_tokens : o.max_completion_tokens);
  // Deviation (reference bug B4): the flag is set only when a value is actually carried.
  if (maxTokens !== null) flags |= RequestFlag.HAS_MAX_TOKENS;
  const [model, modelTruncated] = clampModel(typeof o.model === "string" ? o.model : "", maxModelBytes);
  const costEstimate = estimateCostUsd(
    typeof o.model === "string" ? o.model : "",
    estimateTokensFromBytes(contentBytes),
    maxTokens ?? DEFAULT_COMPLETION_TOKENS,
  );
  return {
    kind: "request",
    model,
    modelTruncated,
    messageCount: messages.length,
    roles,
    rolesExact: true,
    contentBytes,
    maxTokens,
    costEstimate,
    flags,
  };
}

const FINISH_CODES: Readonly<Record<string, number>> = {
  stop: 0,
  length: 1,
  tool_calls: 2,
  content_filter: 3,
};
const FINISH_NAMES: readonly FinishReason[] = ["stop", "length", "tool_calls", "content_filter"];
const finishCode = (reason: FinishReason): number => FINISH_CODES[reason] ?? 0xff;
const finishName = (code: number): FinishReason => FINISH_NAMES[code] ?? "other";

function responseRouting(o: Json, maxModelBytes: number): ResponseRouting {
  const choice = Array.isArray(o.choices) && isObject(o.choices[0]) ? o.choices[0] : {};
  const message = isObject(choice.message) ? choice.message : {};
  const usage = isObject(o.usage) ? o.usage : {};
  const finish = typeof choice.finish_reason === "string" ? choice.finish_reason : "";
  const finishReason: FinishReason = finish in FINISH_CODES ? (finish as FinishReason) : "other";
  let flags = 0;
  if (has(message, "tool_calls")) flags |= ResponseFlag.HAS_TOOL_CALLS;
  if (typeof message.refusal === "string") flags |= ResponseFlag.HAS_REFUSAL;
  if (finish === "content_filter") flags |= ResponseFlag.CONTENT_FILTERED;
  if (finish === "length") flags |= ResponseFlag.TRUNCATED;
  const promptDetails = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completionDetails = isObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const cached = asU64(promptDetails.cached_tokens);
  const reasoning = asU64(completionDetails.reasoning_tokens);
  if (cached !== null && cached > 0) flags |= ResponseFlag.HAS_CACHED_TOKENS;
  if (reasoning !== null && reasoning > 0) flags |= ResponseFlag.HAS_REASONING_TOKENS;
  const promptTokens = asU32(usage.prompt_tokens) ?? 0;
  const completionTokens = asU32(usage.completion_tokens) ?? 0;
  const rawModel = typeof o.model === "string" ? o.model : "";
  let costEstimate: number | null = null;
  if (has(o, "usage")) {
    flags |= ResponseFlag.HAS_USAGE | ResponseFlag.HAS_COST_ESTIMATE;
    costEstimate = estimateCostUsd(rawModel, promptTokens, completionTokens);
  }
  const [model, modelCut] = clampModel(rawModel, maxModelBytes);
  const [id, idCut] = clampModel(typeof o.id === "string" ? o.id : "", maxModelBytes);
  return {
    kind: "response",
    id,
    model,
    modelTruncated: modelCut || idCut,
    finishReason,
    promptTokens,
    completionTokens,
    cachedTokens: flags & ResponseFlag.HAS_CACHED_TOKENS ? cached! % 2 ** 32 : null,
    reasoningTokens: flags & ResponseFlag.HAS_REASONING_TOKENS ? reasoning! % 2 ** 32 : null,
    costEstimate,
    flags,
  };
}

// ---------------------------------------------------------------------------------------------
// v1 encoding (reference byte layout, seed-codec §3.3–3.4, with the fixes listed in spec/v1.md)

/** Bits of the v1 frame's flag byte 6 (reserved in the reference, which writes 0 and never reads it). */
export const V1ExtraFlag = {
  /** Some roles were not one of system/developer/user/assistant/tool and were written as `user`. */
  ROLES_INEXACT: 0x01,
  /** The model or id was longer than 255 bytes and was cut at a character boundary. */
  MODEL_TRUNCATED: 0x02,
} as const;

const V1_ROLE_CODE: Readonly<Record<Role, number>> = {
  system: 0,
  developer: 0,
  user: 1,
  assistant: 2,
  tool: 3,
  function: 1,
  other: 1,
};
const V1_ROLE_NAME: readonly Role[] = ["system", "user", "assistant", "tool"];

/** Encode the v1 variable header for `routing`; returns the bytes and the extra flag bits (byte 6). */
export function encodeV1Routing(
  routing: Routing,
  limits: Pick<WireLimits, "maxMessages"> = DEFAULT_LIMITS,
): { bytes: Uint8Array; extraFlags: number } {
  const w = new BinaryWriter(64);
  let extraFlags = 0;
  const shortString = (text: string): void => {
    const cut = truncateUtf8(text, 255);
    if (cut.length !== text.length) extraFlags |= V1ExtraFlag.MODEL_TRUNCATED;
    const bytes = encodeUtf8(cut);
    w.uint8(bytes.length).bytes(bytes);
  };
  if (routing.modelTruncated) extraFlags |= V1ExtraFlag.MODEL_TRUNCATED;
  if (routing.kind === "request") {
    checkLimit("maxMessages", routing.messageCount, limits.maxMessages);
    shortString(routing.model);
    w.varint(routing.messageCount);
    // Deviation (reference bug B3): one 2-bit slot per message, so the reference decoder, which
    // reads ceil(count/4) bytes, stays aligned; unknown roles are written as user and flagged.
    const packed = new Uint8Array(Math.ceil(routing.messageCount / 4));
    for (let i = 0; i < routing.messageCount; i++) {
      const role = routing.roles[i] ?? "other";
      if (role === "other" || role === "function") extraFlags |= V1ExtraFlag.ROLES_INEXACT;
      packed[i >> 2]! |= V1_ROLE_CODE[role] << (2 * (i & 3));
    }
    if (!routing.rolesExact) extraFlags |= V1ExtraFlag.ROLES_INEXACT;
    w.bytes(packed);
    w.varint(routing.contentBytes % 2 ** 32);
    if (routing.flags & RequestFlag.HAS_MAX_TOKENS && routing.maxTokens !== null) w.varint(routing.maxTokens);
    w.float32le(routing.costEstimate);
  } else {
    shortString(routing.id);
    shortString(routing.model);
    w.uint8(finishCode(routing.finishReason));
    w.varint(routing.promptTokens);
    w.varint(routing.completionTokens);
    if (routing.flags & ResponseFlag.HAS_CACHED_TOKENS) w.varint(routing.cachedTokens ?? 0);
    if (routing.flags & ResponseFlag.HAS_REASONING_TOKENS) w.varint(routing.reasoningTokens ?? 0);
    if (routing.flags & ResponseFlag.HAS_COST_ESTIMATE && routing.costEstimate !== null)
      w.float32le(routing.costEstimate);
  }
  return { bytes: w.finish(), extraFlags };
}

/**
 * Decode a v1 variable header that occupies exactly `bytes` (the slice bounded by `header_len`).
 * Reference frames with unknown roles, a null max_tokens or other misalignments are still read
 * correctly, because the slice length pins down which optional fields are present.
 */
export function decodeV1Routing(
  bytes: Uint8Array,
  schema: number,
  flags: number,
  extraFlags: number,
  limits: Pick<WireLimits, "maxMessages" | "maxModelBytes"> = DEFAULT_LIMITS,
): Routing | null {
  if (schema === Schema.REQUEST || schema === Schema.EMBEDDING_REQUEST)
    return decodeV1Request(bytes, flags, extraFlags, limits);
  if (schema === Schema.RESPONSE || schema === Schema.EMBEDDING_RESPONSE || schema === Schema.ERROR) {
    return decodeV1Response(bytes, flags, extraFlags);
  }
  return null;
}

function decodeV1Request(
  bytes: Uint8Array,
  flags: number,
  extraFlags: number,
  limits: Pick<WireLimits, "maxMessages">,
): RequestRouting {
  const r = new BinaryReader(bytes);
  const model = decodeUtf8(r.bytes(r.uint8()));
  const messageCount = r.varint32();
  checkLimit("maxMessages", messageCount, limits.maxMessages);
  const afterCount = r.pos;
  const fullRoleBytes = Math.ceil(messageCount / 4);
  // Try the aligned layout first; reference frames that skipped unknown roles have fewer role bytes.
  for (let roleBytes = fullRoleBytes; roleBytes >= 0; roleBytes--) {
    const parsed = tryRequestTail(bytes, afterCount + roleBytes, flags);
    if (!parsed) continue;
    const packed = bytes.subarray(afterCount, afterCount + roleBytes);
    const slots = Math.min(messageCount, roleBytes * 4);
    const roles: Role[] = [];
    for (let i = 0; i < slots; i++) roles.push(V1_ROLE_NAME[(packed[i >> 2]! >> (2 * (i & 3))) & 3]!);
    for (let i = slots; i < messageCount; i++) roles.push("other");
    return {
      kind: "request",
      model,
      modelTruncated: (extraFlags & V1ExtraFlag.MODEL_TRUNCATED) !== 0,
      messageCount,
      roles,
      rolesExact: roleBytes === fullRoleBytes && (extraFlags & V1ExtraFlag.ROLES_INEXACT) === 0,
      contentBytes: parsed.contentBytes,
      maxTokens: parsed.maxTokens,
      costEstimate: parsed.cost,
      flags: flags & 0xffff,
    };
  }
  throw new M2MError(WireErrorCode.BAD_HEADER, "v1 routing header does not match its declared length");
}

function tryRequestTail(
  bytes: Uint8Array,
  start: number,
  flags: number,
): { contentBytes: number; maxTokens: number | null; cost: number } | null {
  if (start > bytes.length) return null;
  try {
    const r = new BinaryReader(bytes, start);
    const contentBytes = r.varint32();
    let maxTokens: number | null = null;
    // A reference frame may set HAS_MAX_TOKENS without a value (max_tokens: null): then exactly the
    // 4 cost bytes remain.
    if (flags & RequestFlag.HAS_MAX_TOKENS && r.remaining !== 4) maxTokens = r.varint32();
    // The reference always writes the 4-byte cost last in a request header; requiring it makes the
    // role-byte count unambiguous in practice.
    if (r.remaining !== 4) return null;
    return { contentBytes, maxTokens, cost: r.float32le() };
  } catch (e) {
    if (M2MError.isInstance(e)) return null;
    throw e;
  }
}

function decodeV1Response(bytes: Uint8Array, flags: number, extraFlags: number): ResponseRouting {
  const r = new BinaryReader(bytes);
  const id = decodeUtf8(r.bytes(r.uint8()));
  const model = decodeUtf8(r.bytes(r.uint8()));
  const finishReason = finishName(r.uint8());
  const promptTokens = r.varint32();
  const completionTokens = r.varint32();
  const cachedTokens = flags & ResponseFlag.HAS_CACHED_TOKENS ? r.varint32() : null;
  const reasoningTokens = flags & ResponseFlag.HAS_REASONING_TOKENS ? r.varint32() : null;
  const costEstimate = flags & ResponseFlag.HAS_COST_ESTIMATE && r.remaining >= 4 ? r.float32le() : null;
  if (r.remaining !== 0)
    throw new M2MError(WireErrorCode.BAD_HEADER, "v1 response header has trailing bytes");
  return {
    kind: "response",
    id,
    model,
    modelTruncated: (extraFlags & V1ExtraFlag.MODEL_TRUNCATED) !== 0,
    finishReason,
    promptTokens,
    completionTokens,
    cachedTokens,
    reasoningTokens,
    costEstimate,
    flags: flags & 0xffff,
  };
}

// ---------------------------------------------------------------------------------------------
// v2 routing encoding (M2M's own frame version, spec/v2.md §4)

const V2_KIND_REQUEST = 1;
const V2_KIND_RESPONSE = 2;
/** v2-only flag bits above the reference's 16. */
const V2_MODEL_TRUNCATED = 1 << 16;
const V2_HAS_COST = 1 << 17;
const V2_ROLE_CODE: Readonly<Record<Role, number>> = {
  system: 0,
  developer: 1,
  user: 2,
  assistant: 3,
  tool: 4,
  function: 5,
  other: 15,
};
const V2_ROLE_NAME: Readonly<Record<number, Role>> = Object.fromEntries(
  Object.entries(V2_ROLE_CODE).map(([name, code]) => [code, name as Role]),
);

/** Encode routing metadata in the v2 layout (every role exact, full-length model, varint lengths). */
export function encodeV2Routing(
  routing: Routing,
  limits: Pick<WireLimits, "maxMessages" | "maxModelBytes"> = DEFAULT_LIMITS,
): Uint8Array {
  const w = new BinaryWriter(64);
  const model = truncateUtf8(routing.model, limits.maxModelBytes);
  let flags = routing.flags & 0xffff;
  if (routing.modelTruncated || model.length !== routing.model.length) flags |= V2_MODEL_TRUNCATED;
  if (routing.kind === "request") {
    checkLimit("maxMessages", routing.messageCount, limits.maxMessages);
    w.uint8(V2_KIND_REQUEST)
      .varint(flags | V2_HAS_COST)
      .string(model)
      .varint(routing.messageCount);
    const packed = new Uint8Array(Math.ceil(routing.messageCount / 2));
    for (let i = 0; i < routing.messageCount; i++) {
      packed[i >> 1]! |= V2_ROLE_CODE[routing.roles[i] ?? "other"] << (4 * (i & 1));
    }
    w.bytes(packed).varint(routing.contentBytes);
    if (flags & RequestFlag.HAS_MAX_TOKENS) w.varint(routing.maxTokens ?? 0);
    w.float32le(routing.costEstimate);
  } else {
    const id = truncateUtf8(routing.id, limits.maxModelBytes);
    if (id.length !== routing.id.length) flags |= V2_MODEL_TRUNCATED;
    if (routing.costEstimate !== null) flags |= V2_HAS_COST;
    w.uint8(V2_KIND_RESPONSE).varint(flags).string(id).string(model).uint8(finishCode(routing.finishReason));
    w.varint(routing.promptTokens).varint(routing.completionTokens);
    if (flags & ResponseFlag.HAS_CACHED_TOKENS) w.varint(routing.cachedTokens ?? 0);
    if (flags & ResponseFlag.HAS_REASONING_TOKENS) w.varint(routing.reasoningTokens ?? 0);
    if (routing.costEstimate !== null) w.float32le(routing.costEstimate);
  }
  return w.finish();
}

/** Decode a v2 routing section that occupies exactly `bytes`. */
export function decodeV2Routing(
  bytes: Uint8Array,
  limits: Pick<WireLimits, "maxMessages" | "maxModelBytes"> = DEFAULT_LIMITS,
): Routing {
  const r = new BinaryReader(bytes);
  const kind = r.uint8();
  const flags = r.varint32();
  let result: Routing;
  if (kind === V2_KIND_REQUEST) {
    const model = r.string(limits.maxModelBytes);
    const messageCount = r.varint32();
    checkLimit("maxMessages", messageCount, limits.maxMessages);
    const packed = r.bytes(Math.ceil(messageCount / 2));
    const roles: Role[] = new Array(messageCount);
    for (let i = 0; i < messageCount; i++) {
      const role = V2_ROLE_NAME[(packed[i >> 1]! >> (4 * (i & 1))) & 15];
      if (role === undefined)
        throw new M2MError(WireErrorCode.BAD_HEADER, "unknown role code in v2 routing header");
      roles[i] = role;
    }
    const contentBytes = r.varint();
    const maxTokens = flags & RequestFlag.HAS_MAX_TOKENS ? r.varint32() : null;
    const costEstimate = flags & V2_HAS_COST ? r.float32le() : 0;
    result = {
      kind: "request",
      model,
      modelTruncated: (flags & V2_MODEL_TRUNCATED) !== 0,
      messageCount,
      roles,
      rolesExact: true,
      contentBytes,
      maxTokens,
      costEstimate,
      flags: flags & 0xffff,
    };
  } else if (kind === V2_KIND_RESPONSE) {
    const id = r.string(limits.maxModelBytes);
    const model = r.string(limits.maxModelBytes);
    const finishReason = finishName(r.uint8());
    const promptTokens = r.varint32();
    const completionTokens = r.varint32();
    const cachedTokens = flags & ResponseFlag.HAS_CACHED_TOKENS ? r.varint32() : null;
    const reasoningTokens = flags & ResponseFlag.HAS_REASONING_TOKENS ? r.varint32() : null;
    const costEstimate = flags & V2_HAS_COST ? r.float32le() : null;
    result = {
      kind: "response",
      id,
      model,
      modelTruncated: (flags & V2_MODEL_TRUNCATED) !== 0,
      finishReason,
      promptTokens,
      completionTokens,
      cachedTokens,
      reasoningTokens,
      costEstimate,
      flags: flags & 0xffff,
    };
  } else {
    throw new M2MError(WireErrorCode.BAD_HEADER, `unknown v2 routing kind ${kind}`);
  }
  if (r.remaining !== 0)
    throw new M2MError(WireErrorCode.BAD_HEADER, "v2 routing section has trailing bytes");
  return result;
}
