import { BinaryReader, BinaryWriter, decodeBase64, M2MError } from "@m2m/wire";
import { DEFAULT_DICTIONARY_BASE64 } from "./default-dictionary-data.js";
import { CodecErrorCode, codecError } from "./errors.js";
import { bytesEqual, fnv1a64, toHex } from "./hash.js";

/** Largest dictionary accepted (LZR can reference all of it; deflate only its last 32 KiB). */
export const MAX_DICTIONARY_BYTES = 262144;
/** Raw deflate references at most this much history: the deflate codecs use a dictionary's tail. */
export const DEFLATE_WINDOW_BYTES = 32768;
const FILE_MAGIC = [0x4d, 0x32, 0x4d, 0x44] as const; // "M2MD"
const FILE_VERSION = 1;

/** A preset dictionary, named by the FNV-1a-64 of its content. */
export interface Dictionary {
  /** 8 bytes: FNV-1a-64 of `bytes` (big-endian). This is what frames carry. */
  readonly id: Uint8Array;
  /** `id` as 16 hex digits. */
  readonly idHex: string;
  readonly bytes: Uint8Array;
}

/**
 * Wrap dictionary content (at most 256 KiB) and compute its id.
 *
 * @example createDictionary(new TextEncoder().encode('{"role":"user","content":"')).idHex.length // 16
 */
export function createDictionary(bytes: Uint8Array): Dictionary {
  if (bytes.length === 0 || bytes.length > MAX_DICTIONARY_BYTES) {
    throw codecError(
      CodecErrorCode.BAD_DICTIONARY,
      `dictionary must be 1–${MAX_DICTIONARY_BYTES} bytes, got ${bytes.length}`,
    );
  }
  const id = fnv1a64(bytes);
  return { id, idHex: toHex(id), bytes };
}

/**
 * Serialize a dictionary file (`*.dict`): `"M2MD"`, version 1, varint length, content, 8-byte id.
 *
 * @example writeFileSync("app.dict", encodeDictionaryFile(trainDictionary(samples)))
 */
export function encodeDictionaryFile(dictionary: Dictionary): Uint8Array {
  return new BinaryWriter(dictionary.bytes.length + 24)
    .bytes(Uint8Array.from(FILE_MAGIC))
    .uint8(FILE_VERSION)
    .lengthPrefixed(dictionary.bytes)
    .bytes(dictionary.id)
    .finish();
}

/** Parse and verify a dictionary file (its id must match its content). */
export function decodeDictionaryFile(file: Uint8Array): Dictionary {
  try {
    const r = new BinaryReader(file);
    for (const m of FILE_MAGIC) if (r.uint8() !== m) throw new Error("magic");
    if (r.uint8() !== FILE_VERSION) throw new Error("version");
    const bytes = r.lengthPrefixed(MAX_DICTIONARY_BYTES);
    const id = r.bytes(8);
    if (r.remaining !== 0) throw new Error("trailing");
    const d = createDictionary(bytes.slice());
    if (!bytesEqual(d.id, id)) throw new Error("id");
    return d;
  } catch (cause) {
    if (M2MError.isInstance(cause) && cause.code === CodecErrorCode.BAD_DICTIONARY) throw cause;
    throw new M2MError(CodecErrorCode.BAD_DICTIONARY, "not a valid M2M dictionary file", { cause });
  }
}

let defaultDictionary: Dictionary | null = null;

/**
 * The dictionary shipped with the package, built by `scripts/build-dictionary.mjs` from the train half
 * of the public chat corpus (see spec/codec.md §Dictionary).
 *
 * @example getDefaultDictionary().idHex
 */
export function getDefaultDictionary(): Dictionary {
  defaultDictionary ??= createDictionary(decodeBase64(DEFAULT_DICTIONARY_BASE64));
  return defaultDictionary;
}

/** Options for {@link trainDictionary}. */
export interface TrainOptions {
  /** Dictionary size in bytes (default 131072, at most 262144). */
  readonly maxBytes?: number;
  /** At most this many bytes are taken from the start of each sample (default 2048). */
  readonly sampleBytes?: number;
  /**
   * Group label per sample (e.g. its source or kind). Samples are taken from the groups in turn, so
   * one large application cannot crowd out the others.
   */
  readonly groups?: readonly string[];
}

/** Default size of a trained dictionary. */
export const DEFAULT_DICTIONARY_BYTES = 131072;
const DEFAULT_SAMPLE_BYTES = 2048;

/**
 * Build a dictionary from sample payloads. LZR primes its coder with the dictionary, so what helps
 * most is representative traffic rather than only its repeated strings: the first `sampleBytes` of
 * each sample are taken from the groups in turn (each group in its given order) until `maxBytes`,
 * and packed so that the first samples taken sit at the end, nearest the data. Deterministic for the
 * same samples in the same order.
 *
 * @example const dict = trainDictionary(files.map((f) => readFileSync(f)))
 */
export function trainDictionary(samples: readonly Uint8Array[], options: TrainOptions = {}): Dictionary {
  const maxBytes = options.maxBytes ?? DEFAULT_DICTIONARY_BYTES;
  const sampleBytes = options.sampleBytes ?? DEFAULT_SAMPLE_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_DICTIONARY_BYTES)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, `maxBytes must be 1–${MAX_DICTIONARY_BYTES}`);
  if (!Number.isInteger(sampleBytes) || sampleBytes < 1)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "sampleBytes must be a positive integer");
  if (samples.length === 0) throw codecError(CodecErrorCode.INVALID_ARGUMENT, "no samples to train on");
  const groups = options.groups ?? samples.map(() => "");
  if (groups.length !== samples.length)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "groups must match samples");
  const queues = new Map<string, Uint8Array[]>();
  samples.forEach((sample, i) => {
    if (sample.length === 0) return;
    const g = groups[i]!;
    const q = queues.get(g) ?? [];
    q.push(sample.subarray(0, sampleBytes));
    queues.set(g, q);
  });
  const order = [...queues.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const chosen: Uint8Array[] = [];
  let total = 0;
  for (let round = 0; total < maxBytes; round++) {
    let took = false;
    for (const g of order) {
      const piece = queues.get(g)![round];
      if (!piece || total >= maxBytes) continue;
      const bytes = piece.subarray(0, maxBytes - total);
      chosen.push(bytes);
      total += bytes.length;
      took = true;
    }
    if (!took) break;
  }
  if (total === 0) throw codecError(CodecErrorCode.INVALID_ARGUMENT, "all samples are empty");
  const out = new Uint8Array(total);
  let off = total;
  for (const piece of chosen) {
    off -= piece.length;
    out.set(piece, off);
  }
  return createDictionary(out);
}
