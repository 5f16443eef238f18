import {
  BinaryReader,
  BinaryWriter,
  CodecId,
  checkLimit,
  decodeV2Frame,
  M2MError,
  resolveLimits,
  Schema,
  V2_TAG_BYTES,
  V2Flag,
  type WireLimits,
} from "@m2m/wire";
import { type CompressionBackend, getDefaultBackend } from "./backend.js";
import { buildFrame, verifyDecoded } from "./codec.js";
import { DeltaKind, decodeMiddle, encodeMiddle } from "./delta.js";
import {
  contextDictionary,
  DEFLATE_WINDOW_BYTES,
  type Dictionary,
  getDefaultDictionary,
} from "./dictionary.js";
import { CodecErrorCode, codecError } from "./errors.js";

/** Options shared by {@link SseEncoder} and {@link SseDecoder} (both ends must use the same dictionary). */
export interface SseOptions {
  /** Primes the first chunks (default: the shipped dictionary). */
  readonly dictionary?: Dictionary;
  readonly backend?: CompressionBackend;
  /** A line longer than this is emitted without waiting for its end (default 1 MiB). */
  readonly maxLineBytes?: number;
  readonly limits?: Partial<WireLimits>;
}

/** Rolling context: the dictionary followed by the stream so far, capped at 32 KiB. */
class Context {
  private buffer: Uint8Array;
  constructor(dictionary: Dictionary) {
    this.buffer = dictionary.bytes.subarray(Math.max(0, dictionary.bytes.length - DEFLATE_WINDOW_BYTES));
  }
  get bytes(): Uint8Array {
    return this.buffer;
  }
  append(chunk: Uint8Array): void {
    const keep = Math.max(0, Math.min(this.buffer.length, DEFLATE_WINDOW_BYTES - chunk.length));
    const next = new Uint8Array(keep + Math.min(chunk.length, DEFLATE_WINDOW_BYTES));
    next.set(this.buffer.subarray(this.buffer.length - keep), 0);
    next.set(chunk.subarray(chunk.length - (next.length - keep)), keep);
    this.buffer = next;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Compresses an SSE byte stream (an OpenAI streaming response) chunk by chunk. Input is cut after the
 * last line ending seen, so each frame carries whole lines (a line split across network chunks waits
 * for its end); each frame is deflated against the stream so far. Every byte — `data:`, `event:`,
 * `id:`, comments, blank lines, CR/LF — comes back exactly from {@link SseDecoder}.
 *
 * @example
 * const enc = new SseEncoder(); for await (const c of body) for (const f of enc.push(c)) send(f); for (const f of enc.end()) send(f);
 */
export class SseEncoder {
  private readonly backend: CompressionBackend;
  private readonly context: Context;
  private readonly maxLineBytes: number;
  private pending: Uint8Array = new Uint8Array(0);
  private sequence = 0;
  private ended = false;

  constructor(options: SseOptions = {}) {
    this.backend = options.backend ?? getDefaultBackend();
    this.context = new Context(options.dictionary ?? getDefaultDictionary());
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  }

  /** Feed bytes as they arrive; returns the frames ready to send (possibly none). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.ended) throw codecError(CodecErrorCode.INVALID_ARGUMENT, "SseEncoder.push after end()");
    const data = concat(this.pending, chunk);
    let cut = data.length;
    while (cut > 0 && data[cut - 1] !== 0x0a && data[cut - 1] !== 0x0d) cut--;
    if (cut === 0 && data.length > this.maxLineBytes) cut = data.length;
    this.pending = data.slice(cut);
    return cut > 0 ? [this.frame(data.subarray(0, cut))] : [];
  }

  /** Flush what is left (a last line without a line ending). */
  end(): Uint8Array[] {
    if (this.ended) return [];
    this.ended = true;
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    return rest.length > 0 ? [this.frame(rest)] : [];
  }

  private frame(bytes: Uint8Array): Uint8Array {
    const { inner, payload } = encodeMiddle(bytes, contextDictionary(this.context.bytes), this.backend);
    const params = new BinaryWriter(8)
      .uint8(DeltaKind.STREAM)
      .varint(this.sequence++)
      .uint8(inner)
      .finish();
    this.context.append(bytes);
    return buildFrame(bytes, { codec: CodecId.DELTA, params, payload, checksum: true }, Schema.STREAM, null);
  }
}

/** Bytes needed for the v2 frame at the start of `buf`, or -1 when more bytes are needed to tell. */
function frameLength(buf: Uint8Array, limits: WireLimits): number {
  let pos = 6;
  if (buf.length < pos) return -1;
  const flags = buf[3]!;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= buf.length) return -1;
      const b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (!(b & 0x80)) return value;
      scale *= 128;
    }
    throw codecError(CodecErrorCode.CORRUPT, "varint too long in stream frame");
  };
  const skipPrefixed = (): boolean => {
    const n = varint();
    if (n < 0) return false;
    checkLimit("maxFrameBytes", n, limits.maxFrameBytes);
    pos += n;
    return pos <= buf.length;
  };
  if (!skipPrefixed()) return -1;
  if (flags & V2Flag.ROUTING && !skipPrefixed()) return -1;
  let tag = 0;
  if (flags & V2Flag.SECURED) {
    if (pos >= buf.length) return -1;
    tag = V2_TAG_BYTES[buf[pos++]!] ?? 0;
    if (!skipPrefixed()) return -1;
  }
  if (varint() < 0) return -1;
  if (!skipPrefixed()) return -1;
  const total = pos + (flags & V2Flag.CHECKSUM ? 4 : 0) + tag;
  checkLimit("maxFrameBytes", total, limits.maxFrameBytes);
  return total;
}

/**
 * Reverses {@link SseEncoder}. `push` accepts frames one at a time or any byte-stream slicing of
 * them (frames are self-delimiting) and returns the original SSE bytes of each complete frame.
 *
 * @example for (const bytes of dec.push(frame)) res.write(bytes)
 */
export class SseDecoder {
  private readonly backend: CompressionBackend;
  private readonly context: Context;
  private readonly limits: WireLimits;
  private buffer: Uint8Array = new Uint8Array(0);
  private sequence = 0;

  constructor(options: SseOptions = {}) {
    this.backend = options.backend ?? getDefaultBackend();
    this.context = new Context(options.dictionary ?? getDefaultDictionary());
    this.limits = resolveLimits(options.limits);
  }

  /** Feed frame bytes; returns the decoded SSE bytes of every frame completed by them. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.buffer = concat(this.buffer, chunk);
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.buffer.length >= 2 && (this.buffer[0] !== 0xc1 || this.buffer[1] !== 0x4d)) {
        throw codecError(CodecErrorCode.CORRUPT, "not an M2M v2 stream frame");
      }
      const n = this.buffer.length >= 2 ? frameLength(this.buffer, this.limits) : -1;
      if (n < 0 || n > this.buffer.length) {
        checkLimit("maxFrameBytes", this.buffer.length, this.limits.maxFrameBytes);
        return out;
      }
      out.push(this.decodeFrame(this.buffer.subarray(0, n)));
      this.buffer = this.buffer.slice(n);
    }
  }

  /** Call when the transport ends: throws if a partial frame is left over. */
  end(): Uint8Array[] {
    if (this.buffer.length > 0) throw codecError(CodecErrorCode.CORRUPT, "stream ended inside a frame");
    return [];
  }

  private decodeFrame(bytes: Uint8Array): Uint8Array {
    const frame = decodeV2Frame(bytes, this.limits);
    if (frame.security)
      throw codecError(CodecErrorCode.SECURED_FRAME, "frame is sealed: open it with @m2m/crypto first");
    if (frame.codec !== CodecId.DELTA)
      throw codecError(CodecErrorCode.UNKNOWN_CODEC, "not an SSE stream frame");
    let kind: number;
    let sequence: number;
    let inner: number;
    try {
      const r = new BinaryReader(frame.codecParams);
      kind = r.uint8();
      sequence = r.varint();
      inner = r.uint8();
      if (r.remaining !== 0) throw new Error("trailing");
    } catch (cause) {
      throw new M2MError(CodecErrorCode.CORRUPT, "malformed stream frame parameters", { cause });
    }
    if (kind !== DeltaKind.STREAM) throw codecError(CodecErrorCode.CORRUPT, "not an SSE stream frame");
    if (sequence !== this.sequence) {
      throw codecError(CodecErrorCode.CORRUPT, `stream frame ${sequence} arrived, expected ${this.sequence}`);
    }
    const out = decodeMiddle(
      inner,
      frame.payload,
      frame.originalLength,
      contextDictionary(this.context.bytes),
      this.backend,
    );
    verifyDecoded(frame, out);
    this.sequence++;
    this.context.append(out);
    return out.slice();
  }
}
