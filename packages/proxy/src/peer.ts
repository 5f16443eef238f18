import { createHash } from "node:crypto";
import { CodecId, crc32, decodeV2Frame, encodeV2Frame, M2MError, Schema, WireErrorCode } from "@m2m/wire";
import type { PeerCodec, PeerDeltaDecoder, PeerDeltaEncoder } from "./adapters.js";

/** Content type of a request or response body that is one M2M frame. */
export const FRAME_CONTENT_TYPE = "application/vnd.m2m.frame";
/** Content type of a streamed response: records of u32 little-endian length + one M2M frame each. */
export const FRAME_STREAM_CONTENT_TYPE = "application/vnd.m2m.frame-stream";
/** Request header naming the delta conversation a framed request belongs to. */
export const CONVERSATION_HEADER = "x-m2m-conversation";
/** Response header carrying the content type the framed body had before framing. */
export const ORIGINAL_TYPE_HEADER = "x-m2m-original-content-type";

/**
 * A frame-only codec: a v2 frame with codec RAW and a CRC-32. It makes peer links work (and
 * testable) without any compression; `codecPeerCodec()` in codec-adapter.ts is the real one.
 */
export const rawPeerCodec: PeerCodec = {
  name: "raw",
  encode(plain) {
    return encodeV2Frame({
      schema: Schema.REQUEST,
      codec: CodecId.RAW,
      originalLength: plain.length,
      crc32: crc32(plain),
      payload: plain,
    });
  },
  decode(frame, maxDecodedBytes) {
    const f = decodeV2Frame(frame, { maxDecodedBytes, maxFrameBytes: maxDecodedBytes + 1024 });
    if (f.codec !== CodecId.RAW)
      throw new M2MError(WireErrorCode.BAD_HEADER, `raw peer codec cannot read codec ${f.codec}`);
    if (f.payload.length !== f.originalLength || (f.crc32 !== null && crc32(f.payload) !== f.crc32)) {
      throw new M2MError(WireErrorCode.BAD_HEADER, "raw frame length or checksum mismatch");
    }
    return f.payload;
  },
};

/** One record of a frame stream: u32 LE length + frame. */
export function frameRecord(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + frame.length);
  out.writeUInt32LE(frame.length, 0);
  out.set(frame, 4);
  return out;
}

/** Splits a frame stream back into frames across arbitrary network reads, refusing records above `maxRecordBytes`. */
export class FrameRecordReader {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxRecordBytes: number;
  constructor(maxRecordBytes: number) {
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Feed bytes; returns the frames they completed. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    let at = 0;
    while (this.buffer.length - at >= 4) {
      const length = this.buffer.readUInt32LE(at);
      if (length > this.maxRecordBytes) {
        throw new M2MError(
          WireErrorCode.LIMIT_EXCEEDED,
          `frame record of ${length} bytes exceeds ${this.maxRecordBytes}`,
        );
      }
      if (this.buffer.length - at - 4 < length) break;
      frames.push(this.buffer.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    this.buffer = this.buffer.subarray(at);
    return frames;
  }

  /** True when bytes of an incomplete record are left over. */
  get incomplete(): boolean {
    return this.buffer.length > 0;
  }
}

/** A bounded map: the least recently used entry goes first when full. */
export class LruMap<V> {
  private readonly map = new Map<string, V>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
}

/**
 * The conversation a request belongs to, for session delta: the same credentials, model and
 * opening messages mean the same growing history. Hashed, so no content or key leaves in the header.
 */
export function conversationKey(authorization: string, body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const o = body as Record<string, unknown>;
  const opening = Array.isArray(o.messages)
    ? o.messages.slice(0, 2)
    : Array.isArray(o.input)
      ? o.input.slice(0, 2)
      : null;
  if (opening === null || opening.length === 0) return null;
  const h = createHash("sha256");
  h.update(authorization);
  h.update("\u0000");
  h.update(typeof o.model === "string" ? o.model : "");
  h.update("\u0000");
  h.update(JSON.stringify(opening));
  return h.digest("base64url").slice(0, 22);
}

/** Sender-side delta state, one encoder per conversation. */
export class DeltaSenders {
  private readonly encoders: LruMap<PeerDeltaEncoder>;
  private readonly codec: PeerCodec;
  constructor(codec: PeerCodec, max: number) {
    this.codec = codec;
    this.encoders = new LruMap(max);
  }
  /** Encode `plain` for `conversation`; `fresh` drops earlier state first (after a missing base). */
  encode(conversation: string, plain: Uint8Array, fresh: boolean): Uint8Array {
    let encoder = fresh ? undefined : this.encoders.get(conversation);
    if (!encoder) {
      encoder = this.codec.createDeltaEncoder!();
      this.encoders.set(conversation, encoder);
    }
    return encoder.encode(plain);
  }
}

/** Receiver-side delta state, one decoder per conversation. */
export class DeltaReceivers {
  private readonly decoders: LruMap<PeerDeltaDecoder>;
  private readonly codec: PeerCodec;
  private readonly maxDecodedBytes: number;
  constructor(codec: PeerCodec, maxDecodedBytes: number, max: number) {
    this.codec = codec;
    this.maxDecodedBytes = maxDecodedBytes;
    this.decoders = new LruMap(max);
  }
  decode(conversation: string, frame: Uint8Array): Uint8Array {
    let decoder = this.decoders.get(conversation);
    if (!decoder) {
      decoder = this.codec.createDeltaDecoder!(this.maxDecodedBytes);
      this.decoders.set(conversation, decoder);
    }
    try {
      return decoder.decode(frame);
    } catch (error) {
      // Out of step: forget this conversation so the sender's full-frame retry starts clean.
      this.decoders.delete(conversation);
      throw error;
    }
  }
}
