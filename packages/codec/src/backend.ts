import { crc32 as portableCrc32 } from "@m2m/wire";
import { deflateSync, Inflate } from "fflate";
import { CodecErrorCode, codecError } from "./errors.js";

/** Options for brotli compression. */
export interface BrotliOptions {
  /** 0–11. */
  readonly quality: number;
  /** Window bits 10–24 (ignored by backends that cannot set it; brotli-wasm uses its default of 22). */
  readonly lgwin?: number;
}

/** Options for raw deflate (RFC 1951) compression. */
export interface DeflateOptions {
  /** 0–9. */
  readonly level: number;
  /** Preset dictionary (only its last 32 KiB can be referenced). */
  readonly dictionary?: Uint8Array;
}

/**
 * The runtime seam: the only place the codec touches a compressor. Decompressors take an output
 * cap and must refuse (throw `CODEC_LIMIT_EXCEEDED`) without allocating much past it.
 *
 * @example const codec = compress(json, { backend: createPortableBackend({ brotli: brotliWasm }) })
 */
export interface CompressionBackend {
  readonly name: string;
  brotliCompress(data: Uint8Array, options: BrotliOptions): Uint8Array;
  brotliDecompress(data: Uint8Array, maxOutputBytes: number): Uint8Array;
  deflateRaw(data: Uint8Array, options: DeflateOptions): Uint8Array;
  inflateRaw(data: Uint8Array, maxOutputBytes: number, dictionary?: Uint8Array): Uint8Array;
}

/** The subset of `brotli-wasm` the portable backend uses (inject the module you loaded). */
export interface BrotliWasmModule {
  compress(buf: Uint8Array, options?: { quality?: number }): Uint8Array;
  DecompressStream: new () => {
    decompress(
      input: Uint8Array,
      outputSize: number,
    ): { buf: Uint8Array; code: number; input_offset: number };
    free?(): void;
  };
}

const limitError = (max: number): Error =>
  codecError(CodecErrorCode.LIMIT_EXCEEDED, `decoded output exceeds the limit of ${max} bytes`, {
    limit: "maxDecodedBytes",
    max,
  });

const asPlain = (b: Uint8Array): Uint8Array =>
  b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

interface NodeZlib {
  brotliCompressSync(data: Uint8Array, options: object): Uint8Array;
  brotliDecompressSync(data: Uint8Array, options: object): Uint8Array;
  deflateRawSync(data: Uint8Array, options: object): Uint8Array;
  inflateRawSync(data: Uint8Array, options: object): Uint8Array;
  /** Node ≥ 20.15 and ≥ 22.2. */
  crc32?: (data: Uint8Array, value?: number) => number;
  constants: Record<string, number>;
}

function nodeZlib(): NodeZlib | null {
  // Node >= 20.16 exposes builtins without a static `node:` import, which keeps this package runtime-neutral.
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (p?.getBuiltinModule?.("node:zlib") as NodeZlib | undefined) ?? null;
  } catch {
    return null;
  }
}

function wrapZlibError(e: unknown, max: number): Error {
  const code = (e as { code?: string }).code;
  if (code === "ERR_BUFFER_TOO_LARGE") return limitError(max);
  return codecError(CodecErrorCode.CORRUPT, "compressed stream is malformed or truncated");
}

/**
 * @internal The frame checksum for a runtime: zlib's native CRC-32 where `zlib` has one, else
 * @m2m/wire's portable one (both CRC-32/ISO-HDLC, tested equal).
 */
export function selectCrc32(z: Pick<NodeZlib, "crc32"> | null): (bytes: Uint8Array) => number {
  const native = z?.crc32;
  return typeof native === "function"
    ? (bytes) => native(bytes, 0) >>> 0
    : (bytes) => portableCrc32(bytes) >>> 0;
}

/** @internal CRC-32 of frame checksums (v1 and v2), through the seam above. */
export const frameCrc32: (bytes: Uint8Array) => number = selectCrc32(nodeZlib());

/** The Node backend (built-in zlib), or null when the runtime has no `node:zlib`. */
export function createNodeBackend(): CompressionBackend | null {
  const z = nodeZlib();
  if (!z) return null;
  const c = z.constants;
  return {
    name: "node-zlib",
    brotliCompress: (data, o) =>
      asPlain(
        z.brotliCompressSync(data, {
          params: {
            [c.BROTLI_PARAM_QUALITY!]: o.quality,
            [c.BROTLI_PARAM_LGWIN!]: o.lgwin ?? 22,
          },
        }),
      ),
    brotliDecompress: (data, max) => {
      try {
        return asPlain(z.brotliDecompressSync(data, { maxOutputLength: Math.max(1, max) }));
      } catch (e) {
        throw wrapZlibError(e, max);
      }
    },
    deflateRaw: (data, o) =>
      asPlain(
        z.deflateRawSync(
          data,
          o.dictionary ? { level: o.level, dictionary: o.dictionary } : { level: o.level },
        ),
      ),
    inflateRaw: (data, max, dictionary) => {
      try {
        const opts = dictionary
          ? { maxOutputLength: Math.max(1, max), dictionary }
          : { maxOutputLength: Math.max(1, max) };
        return asPlain(z.inflateRawSync(data, opts));
      } catch (e) {
        throw wrapZlibError(e, max);
      }
    },
  };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === total) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const ch of chunks) {
    out.set(ch, off);
    off += ch.length;
  }
  return out;
}

/** Inflate with fflate, feeding small input slices so a bomb is refused before it can grow far past `max`. */
function fflateInflate(data: Uint8Array, max: number, dictionary?: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate(dictionary ? { dictionary } : {}, (chunk) => {
    total += chunk.length;
    if (total > max) throw limitError(max);
    chunks.push(chunk);
  });
  try {
    let pos = 0;
    do {
      // Deflate expands at most ~1032x, so this slice cannot produce more than about the remaining budget + 16 KiB.
      const step = Math.max(16, Math.min(16384, Math.floor((max - total) / 1032)));
      const end = Math.min(data.length, pos + step);
      inflater.push(data.subarray(pos, end), end === data.length);
      pos = end;
    } while (pos < data.length);
  } catch (e) {
    if ((e as { code?: string }).code === CodecErrorCode.LIMIT_EXCEEDED) throw e;
    throw codecError(CodecErrorCode.CORRUPT, "compressed stream is malformed or truncated");
  }
  return concat(chunks, total);
}

function wasmBrotliDecompress(mod: BrotliWasmModule, data: Uint8Array, max: number): Uint8Array {
  const stream = new mod.DecompressStream();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let pos = 0;
  try {
    for (let guard = 0; ; guard++) {
      let r: { buf: Uint8Array; code: number; input_offset: number };
      try {
        r = stream.decompress(data.subarray(pos), Math.max(1, Math.min(65536, max - total + 1)));
      } catch {
        throw codecError(CodecErrorCode.CORRUPT, "brotli stream is malformed");
      }
      pos += r.input_offset;
      total += r.buf.length;
      if (total > max) throw limitError(max);
      if (r.buf.length) chunks.push(r.buf.slice());
      if (r.code === 1 /* ResultSuccess (brotli-wasm numbers its codes from 1) */) break;
      if (r.code === 2 /* NeedsMoreInput */ || (r.buf.length === 0 && r.input_offset === 0) || guard > 1e6) {
        throw codecError(CodecErrorCode.CORRUPT, "brotli stream is truncated");
      }
    }
  } finally {
    stream.free?.();
  }
  return concat(chunks, total);
}

/**
 * The portable backend: fflate (pure JS) for deflate, and the injected `brotli-wasm` module for
 * brotli (without it, brotli calls throw `CODEC_BACKEND_UNAVAILABLE`). Its output is standard
 * deflate/brotli, so it decodes what the Node backend encodes and vice versa.
 *
 * @example createPortableBackend({ brotli: createRequire(import.meta.url)("brotli-wasm") })
 */
export function createPortableBackend(options: { brotli?: BrotliWasmModule } = {}): CompressionBackend {
  const wasm = options.brotli;
  const noBrotli = (): never => {
    throw codecError(
      CodecErrorCode.BACKEND_UNAVAILABLE,
      "brotli needs node:zlib or an injected brotli-wasm module (createPortableBackend({ brotli }))",
    );
  };
  return {
    name: wasm ? "portable(fflate+brotli-wasm)" : "portable(fflate)",
    brotliCompress: (data, o) => (wasm ? wasm.compress(data, { quality: o.quality }) : noBrotli()),
    brotliDecompress: (data, max) => (wasm ? wasmBrotliDecompress(wasm, data, max) : noBrotli()),
    deflateRaw: (data, o) =>
      deflateSync(
        data,
        o.dictionary ? { level: o.level as 6, dictionary: o.dictionary } : { level: o.level as 6 },
      ),
    inflateRaw: (data, max, dictionary) => fflateInflate(data, max, dictionary),
  };
}

let defaultBackend: CompressionBackend | null = null;

/** Node's zlib when present, otherwise the portable backend (set one with {@link setDefaultBackend}). */
export function getDefaultBackend(): CompressionBackend {
  defaultBackend ??= createNodeBackend() ?? createPortableBackend();
  return defaultBackend;
}

/**
 * Replace the backend used when a call passes none (e.g. inject brotli-wasm in a browser).
 *
 * @example setDefaultBackend(createPortableBackend({ brotli: await import("brotli-wasm").then((m) => m.default) }))
 */
export function setDefaultBackend(backend: CompressionBackend | null): void {
  defaultBackend = backend;
}
