import {
  BinaryReader,
  BinaryWriter,
  CodecId,
  decodeV2Frame,
  detectFormat,
  encodeUtf8,
  M2MError,
  resolveLimits,
  type V2Frame,
  v2TextToBinary,
  WireFormat,
  type WireLimits,
} from "@m2m/wire";
import { type CompressionBackend, getDefaultBackend } from "./backend.js";
import {
  buildFrame,
  type CompressOptions,
  compress,
  type DecompressOptions,
  decodeV2Payload,
  decompress,
  guessSchema,
  verifyDecoded,
} from "./codec.js";
import {
  contextDictionary,
  DEFLATE_WINDOW_BYTES,
  type Dictionary,
  getDefaultDictionary,
} from "./dictionary.js";
import { CodecErrorCode, codecError } from "./errors.js";
import { bytesEqual, fnv1a64, toHex } from "./hash.js";

/** First byte of DELTA codec parameters: what the delta is relative to. */
export const DeltaKind: { readonly PAYLOAD: 0; readonly STREAM: 1 } = {
  /** Relative to an earlier payload named by its content hash. */
  PAYLOAD: 0,
  /** The next chunk of an SSE stream, relative to the stream so far. */
  STREAM: 1,
} as const;

/** How the middle (changed) part of a delta is stored. */
export const DeltaInner: { readonly RAW: 0; readonly DEFLATE: 1 } = {
  RAW: 0,
  /** Raw deflate with a preset dictionary = the last 32 KiB of the bytes before the middle. */
  DEFLATE: 1,
} as const;

/** Bounds of the payload history both ends keep. Both ends must use the same values. */
export interface DeltaOptions {
  /** Payloads remembered (default 8). */
  readonly maxEntries?: number;
  /** Total bytes remembered (default 8 MiB); a payload larger than this is never a base. */
  readonly maxBytes?: number;
  readonly backend?: CompressionBackend;
  readonly limits?: Partial<WireLimits>;
  /**
   * Primes the context of every delta middle (default: the shipped dictionary). Like the bounds,
   * both ends must use the same one.
   */
  readonly dictionary?: Dictionary;
}

/** A delta is used only when base and payload share at least this many bytes. */
const MIN_SHARED_BYTES = 64;
/** Bases examined per encode, newest first. */
const CANDIDATES = 4;

interface Entry {
  readonly id: Uint8Array;
  readonly key: string;
  readonly bytes: Uint8Array;
}

class History {
  private readonly entries: Entry[] = [];
  private total = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  constructor(maxEntries: number, maxBytes: number) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    if (
      !Number.isSafeInteger(maxEntries) ||
      maxEntries < 1 ||
      !Number.isSafeInteger(maxBytes) ||
      maxBytes < 1
    ) {
      throw codecError(CodecErrorCode.INVALID_ARGUMENT, "maxEntries and maxBytes must be positive integers");
    }
  }
  get bytes(): number {
    return this.total;
  }
  get size(): number {
    return this.entries.length;
  }
  newest(n: number): Entry[] {
    return this.entries.slice(-n).reverse();
  }
  find(id: Uint8Array): Entry | undefined {
    const key = toHex(id);
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i]!.key === key) return this.entries[i];
    return undefined;
  }
  add(bytes: Uint8Array): void {
    if (bytes.length > this.maxBytes) return;
    const id = fnv1a64(bytes);
    const key = toHex(id);
    const existing = this.entries.findIndex((e) => e.key === key && bytesEqual(e.bytes, bytes));
    if (existing >= 0) {
      // Same content again: refresh its position instead of storing it twice.
      const [e] = this.entries.splice(existing, 1);
      this.entries.push(e!);
      return;
    }
    this.entries.push({ id, key, bytes: bytes.slice() });
    this.total += bytes.length;
    while (this.entries.length > this.maxEntries || this.total > this.maxBytes) {
      this.total -= this.entries.shift()!.bytes.length;
    }
  }
  forget(id: Uint8Array): void {
    const key = toHex(id);
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.key === key) this.total -= this.entries.splice(i, 1)[0]!.bytes.length;
    }
  }
  clear(): void {
    this.entries.length = 0;
    this.total = 0;
  }
}

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function commonSuffix(a: Uint8Array, b: Uint8Array, max: number): number {
  let i = 0;
  while (i < max && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

/** @internal the last 32 KiB of `primer ‖ before`, without copying more than needed. */
export function primedContext(primer: Uint8Array, before: Uint8Array): Uint8Array | undefined {
  if (before.length >= DEFLATE_WINDOW_BYTES || primer.length === 0) return contextDictionary(before);
  const fromPrimer = Math.min(primer.length, DEFLATE_WINDOW_BYTES - before.length);
  const out = new Uint8Array(fromPrimer + before.length);
  out.set(primer.subarray(primer.length - fromPrimer), 0);
  out.set(before, fromPrimer);
  return out;
}

/** @internal encode a middle as raw or deflate-with-context, whichever is smaller. */
export function encodeMiddle(
  middle: Uint8Array,
  context: Uint8Array | undefined,
  backend: CompressionBackend,
): { inner: number; payload: Uint8Array } {
  if (middle.length < 8) return { inner: DeltaInner.RAW, payload: middle };
  const deflated = backend.deflateRaw(middle, context ? { level: 6, dictionary: context } : { level: 6 });
  return deflated.length < middle.length
    ? { inner: DeltaInner.DEFLATE, payload: deflated }
    : { inner: DeltaInner.RAW, payload: middle };
}

/** @internal decode a middle with an output cap. */
export function decodeMiddle(
  inner: number,
  payload: Uint8Array,
  expected: number,
  context: Uint8Array | undefined,
  backend: CompressionBackend,
): Uint8Array {
  if (inner === DeltaInner.RAW) return payload;
  if (inner === DeltaInner.DEFLATE) return backend.inflateRaw(payload, expected, context);
  throw codecError(CodecErrorCode.UNKNOWN_CODEC, `unknown delta inner codec ${inner}`);
}

/**
 * Session delta, sending side. Every payload it encodes is remembered (bounded by count and bytes);
 * a new payload that shares a prefix/suffix with a remembered one is sent as a DELTA frame naming that
 * base by content hash: the shared prefix and suffix are copied, only the middle travels (deflated with
 * the last 32 KiB of `dictionary ‖ base prefix` as preset dictionary). Otherwise a full `auto` frame is sent.
 * If the receiver reports `CODEC_DELTA_BASE_MISSING`, call `encode(bytes, { full: true })`.
 *
 * @example
 * const enc = new DeltaEncoder(); const dec = new DeltaDecoder();
 * for (const body of requests) send(enc.encode(body)); // receiver: dec.decode(frame)
 */
export class DeltaEncoder {
  private readonly history: History;
  private readonly backend: CompressionBackend;
  private readonly compressOptions: CompressOptions;
  private readonly primer: Uint8Array;

  constructor(options: DeltaOptions & { compress?: CompressOptions } = {}) {
    this.history = new History(options.maxEntries ?? 8, options.maxBytes ?? 8 * 1024 * 1024);
    this.backend = options.backend ?? getDefaultBackend();
    this.primer = (options.dictionary ?? getDefaultDictionary()).bytes;
    this.compressOptions = {
      ...(options.dictionary ? { dictionary: options.dictionary } : {}),
      ...(options.compress ?? {}),
      backend: this.backend,
      ...(options.limits ? { limits: options.limits } : {}),
    };
  }

  /** Payloads and bytes currently remembered. */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.history.size, bytes: this.history.bytes };
  }

  /** Encode one payload as a delta frame when a remembered base shares enough, else as a full frame. */
  encode(input: string | Uint8Array, options: { full?: boolean } = {}): Uint8Array {
    const bytes = typeof input === "string" ? encodeUtf8(input) : input;
    let frame: Uint8Array | null = null;
    if (!options.full) {
      let best: { base: Entry; prefix: number; suffix: number } | null = null;
      for (const base of this.history.newest(CANDIDATES)) {
        const prefix = commonPrefix(base.bytes, bytes);
        const suffix = commonSuffix(base.bytes, bytes, Math.min(base.bytes.length, bytes.length) - prefix);
        if (!best || prefix + suffix > best.prefix + best.suffix) best = { base, prefix, suffix };
      }
      if (best && best.prefix + best.suffix >= MIN_SHARED_BYTES) {
        const middle = bytes.subarray(best.prefix, bytes.length - best.suffix);
        const { inner, payload } = encodeMiddle(
          middle,
          primedContext(this.primer, best.base.bytes.subarray(0, best.prefix)),
          this.backend,
        );
        const params = new BinaryWriter(24)
          .uint8(DeltaKind.PAYLOAD)
          .bytes(best.base.id)
          .varint(best.prefix)
          .varint(best.suffix)
          .uint8(inner)
          .finish();
        frame = buildFrame(
          bytes,
          { codec: CodecId.DELTA, params, payload, checksum: true },
          guessSchema(bytes),
          null,
        );
        // Never worse than a full frame of the middle-less kind: compare with auto for tiny inputs only.
        if (bytes.length < 256) {
          const full = compress(bytes, this.compressOptions);
          if (full.length <= frame.length) frame = full;
        }
      }
    }
    frame ??= compress(bytes, this.compressOptions);
    this.history.add(bytes);
    return frame;
  }

  /** Forget one base (e.g. the receiver lost it) or everything. */
  forget(baseId?: Uint8Array): void {
    if (baseId) this.history.forget(baseId);
    else this.history.clear();
  }
}

/** Parsed DELTA (PAYLOAD) parameters. */
function readPayloadParams(params: Uint8Array): {
  baseId: Uint8Array;
  prefix: number;
  suffix: number;
  inner: number;
} {
  try {
    const r = new BinaryReader(params);
    if (r.uint8() !== DeltaKind.PAYLOAD) throw new Error("kind");
    const baseId = r.bytes(8);
    const prefix = r.varint();
    const suffix = r.varint();
    const inner = r.uint8();
    if (r.remaining !== 0) throw new Error("trailing");
    return { baseId, prefix, suffix, inner };
  } catch (cause) {
    throw new M2MError(CodecErrorCode.CORRUPT, "malformed delta parameters", { cause });
  }
}

/**
 * Session delta, receiving side: decodes full frames (any M2M form) and DELTA frames against the
 * payloads it has decoded before, remembering each result with the same bounds as the encoder.
 * A DELTA frame whose base it does not hold throws `CODEC_DELTA_BASE_MISSING` (details.baseId).
 *
 * @example const json = new TextDecoder().decode(decoder.decode(frame))
 */
export class DeltaDecoder {
  private readonly history: History;
  private readonly options: DecompressOptions;
  private readonly limits: WireLimits;
  private readonly primer: Uint8Array;

  constructor(options: DeltaOptions & { dictionaries?: DecompressOptions["dictionaries"] } = {}) {
    this.history = new History(options.maxEntries ?? 8, options.maxBytes ?? 8 * 1024 * 1024);
    this.primer = (options.dictionary ?? getDefaultDictionary()).bytes;
    this.limits = resolveLimits(options.limits);
    const dictionaries = [
      ...(options.dictionaries ?? []),
      ...(options.dictionary ? [options.dictionary] : []),
    ];
    this.options = {
      backend: options.backend ?? getDefaultBackend(),
      limits: this.limits,
      ...(dictionaries.length ? { dictionaries } : {}),
    };
  }

  /** Payloads and bytes currently remembered. */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.history.size, bytes: this.history.bytes };
  }

  /** Decode one frame to the original bytes (exactly), and remember them as a future base. */
  decode(input: string | Uint8Array): Uint8Array {
    const detected = detectFormat(input);
    let out: Uint8Array;
    if (detected.format === WireFormat.M2M_V2) {
      const binary = typeof input === "string" ? v2TextToBinary(input, this.limits) : input;
      const frame = decodeV2Frame(binary, this.limits);
      out =
        frame.codec === CodecId.DELTA
          ? this.applyDelta(frame)
          : decodeV2Payload(frame, this.options, this.limits);
    } else {
      out = decompress(input, this.options);
    }
    this.history.add(out);
    return out;
  }

  private applyDelta(frame: V2Frame): Uint8Array {
    if (frame.security)
      throw codecError(CodecErrorCode.SECURED_FRAME, "frame is sealed: open it with @m2m/crypto first");
    const p = readPayloadParams(frame.codecParams);
    const base = this.history.find(p.baseId);
    if (!base) {
      throw new M2MError(
        CodecErrorCode.DELTA_BASE_MISSING,
        "delta base is not held by this decoder: resend a full frame",
        {
          details: { baseId: toHex(p.baseId) },
        },
      );
    }
    const total = frame.originalLength;
    if (p.prefix + p.suffix > base.bytes.length || p.prefix + p.suffix > total) {
      throw codecError(CodecErrorCode.CORRUPT, "delta copies more than the base or the output holds");
    }
    const middleLength = total - p.prefix - p.suffix;
    const middle = decodeMiddle(
      p.inner,
      frame.payload,
      middleLength,
      primedContext(this.primer, base.bytes.subarray(0, p.prefix)),
      this.options.backend ?? getDefaultBackend(),
    );
    if (middle.length !== middleLength)
      throw codecError(CodecErrorCode.CORRUPT, "delta middle has the wrong length");
    const out = new Uint8Array(total);
    out.set(base.bytes.subarray(0, p.prefix), 0);
    out.set(middle, p.prefix);
    out.set(base.bytes.subarray(base.bytes.length - p.suffix), p.prefix + middleLength);
    verifyDecoded(frame, out);
    return out;
  }

  /** Forget everything (e.g. on session reset). */
  reset(): void {
    this.history.clear();
  }
}
