import { BinaryReader, BinaryWriter, decodeBase64, M2MError } from "@m2m/wire";
import { DEFAULT_DICTIONARY_BASE64 } from "./default-dictionary-data.js";
import { CodecErrorCode, codecError } from "./errors.js";
import { bytesEqual, fnv1a64, toHex } from "./hash.js";

/** Largest dictionary accepted (LZR can reference all of it; deflate only its last 32 KiB). */
export const MAX_DICTIONARY_BYTES = 262144;
/** Raw deflate references at most this much history: the deflate codecs use a dictionary's tail. */
export const DEFLATE_WINDOW_BYTES = 32768;

/** @internal what raw deflate can reference of `before` as preset dictionary: its last 32 KiB. */
export function contextDictionary(before: Uint8Array): Uint8Array | undefined {
  if (before.length === 0) return undefined;
  return before.length > DEFLATE_WINDOW_BYTES
    ? before.subarray(before.length - DEFLATE_WINDOW_BYTES)
    : before;
}
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

/**
 * Dictionaries a frame may name with one byte instead of the 8-byte id (spec/codec.md §3): entry `i`
 * is the id hex of well-known dictionary `i` (0 is reserved). Entry 1 is the shipped default; a new
 * default gets a new entry, so frames naming an older one still resolve to the right content.
 */
export const WELL_KNOWN_DICTIONARIES: readonly string[] = ["", "4e86861875155e72"];

/** How a frame names `dictionary`: one byte for a well-known dictionary, else its 8-byte id. */
export function dictionaryReference(dictionary: Dictionary): Uint8Array {
  const index = WELL_KNOWN_DICTIONARIES.indexOf(dictionary.idHex);
  return index > 0 ? Uint8Array.of(index) : dictionary.id;
}

const wellKnownIds: readonly (Uint8Array | null)[] = WELL_KNOWN_DICTIONARIES.map((hex) =>
  hex ? Uint8Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)) : null,
);

/** The 8-byte id a frame's dictionary reference names (CODEC_CORRUPT / CODEC_UNKNOWN_DICTIONARY). */
export function referencedDictionaryId(reference: Uint8Array): Uint8Array {
  if (reference.length === 8) return reference;
  if (reference.length !== 1)
    throw codecError(CodecErrorCode.CORRUPT, "a dictionary reference is 1 byte (well-known) or an 8-byte id");
  const id = wellKnownIds[reference[0]!];
  if (!id)
    throw codecError(CodecErrorCode.UNKNOWN_DICTIONARY, `unknown well-known dictionary ${reference[0]}`);
  return id;
}

/** Options for {@link trainDictionary}. */
export interface TrainOptions {
  /** Dictionary size in bytes (default 131072, at most 262144). */
  readonly maxBytes?: number;
  /** Share of the budget for content repeated across samples (default 0.25); samples fill the rest. */
  readonly sharedShare?: number;
  /** Bytes kept of each sample: its start, plus its last `sampleTailBytes` (default 2048). */
  readonly sampleBytes?: number;
  /** Of `sampleBytes`, how many come from the sample's end (default 512). */
  readonly sampleTailBytes?: number;
  /**
   * Group label per sample (e.g. its source or kind). Samples are taken from the groups in turn, and
   * no group may fill more than `maxGroupShare` of the repeated-content part, so one large
   * application cannot crowd out the others.
   */
  readonly groups?: readonly string[];
  /** Default 0.5. */
  readonly maxGroupShare?: number;
  /** Shingle length in bytes for repeated content (default 16). */
  readonly gramBytes?: number;
  /**
   * Repeated content is looked for in at most this many bytes of samples (default 16 MiB): beyond
   * it, in every k-th sample, the smallest k that fits. Heads and tails come from every sample.
   */
  readonly maxAnalyzedBytes?: number;
}

/** Default size of a trained dictionary. */
export const DEFAULT_DICTIONARY_BYTES = 131072;

const DEFAULT_GRAM = 16;
const DEFAULT_MAX_ANALYZED_BYTES = 16 << 20;
const P = 0x01000193;

function gramHashes(doc: Uint8Array, GRAM: number): Uint32Array {
  const n = Math.max(0, doc.length - GRAM + 1);
  const out = new Uint32Array(n);
  if (n === 0) return out;
  let pow = 1;
  for (let k = 0; k < GRAM - 1; k++) pow = Math.imul(pow, P);
  let h = 0;
  for (let k = 0; k < GRAM; k++) h = (Math.imul(h, P) + doc[k]!) | 0;
  out[0] = h >>> 0;
  for (let i = 1; i < n; i++) {
    h = (Math.imul(h - Math.imul(doc[i - 1]!, pow), P) + doc[i + GRAM - 1]!) | 0;
    out[i] = h >>> 0;
  }
  return out;
}

/** 32-bit FNV-1a of `bytes`, to find equal segments (equal hashes are then compared byte by byte). */
function contentHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Byte-wise order, a prefix before its extensions. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Document frequency of 32-bit shingle hashes: how many samples contain each (a sample counts once).
 * Open addressing over typed arrays, grown at half load: a JavaScript Map of millions of numbers,
 * plus a Set per sample, was most of the training time and memory.
 */
class ShingleCounts {
  private keys = new Uint32Array(1 << 16);
  private counts = new Int32Array(1 << 16);
  /** Index + 1 of the last sample that counted the slot (0: none yet). */
  private lastSample = new Int32Array(1 << 16);
  private size = 0;

  /** Count each distinct hash of `hashes` once for sample `sample` (call with increasing samples). */
  addSample(hashes: Uint32Array, sample: number): void {
    for (let i = 0; i < hashes.length; i++) {
      const slot = this.slot(hashes[i]!);
      if (this.lastSample[slot] !== sample + 1) {
        this.lastSample[slot] = sample + 1;
        this.counts[slot]!++;
      }
    }
  }

  get(hash: number): number {
    const mask = this.keys.length - 1;
    for (let i = Math.imul(hash, 0x9e3779b1) & mask; ; i = (i + 1) & mask) {
      if (this.lastSample[i] === 0) return 0;
      if (this.keys[i] === hash) return this.counts[i]!;
    }
  }

  /** The slot of `hash`, claimed (count 0, to be incremented) if new. */
  private slot(hash: number): number {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let i = Math.imul(hash, 0x9e3779b1) & mask; ; i = (i + 1) & mask) {
      if (this.lastSample[i] === 0) {
        this.keys[i] = hash;
        this.size++;
        return i;
      }
      if (this.keys[i] === hash) return i;
    }
  }

  private grow(): void {
    const { keys, counts, lastSample } = this;
    const size = keys.length * 2;
    this.keys = new Uint32Array(size);
    this.counts = new Int32Array(size);
    this.lastSample = new Int32Array(size);
    const mask = size - 1;
    for (let j = 0; j < keys.length; j++) {
      if (lastSample[j] === 0) continue;
      let i = Math.imul(keys[j]!, 0x9e3779b1) & mask;
      while (this.lastSample[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = keys[j]!;
      this.counts[i] = counts[j]!;
      this.lastSample[i] = lastSample[j]!;
    }
  }
}

interface Segment {
  readonly bytes: Uint8Array;
  density: number;
  readonly group: string;
}

/**
 * Content repeated across samples: every `gram`-byte shingle is hashed; shingles in at least
 * max(2, 5 %) of their group's samples are shared; maximal runs of shared shingles are ranked by the
 * mean fraction of samples sharing them and taken while mostly new, at most `maxGroupShare` of the
 * budget per group first. Least shared first, most shared last.
 */
function sharedContent(
  samples: readonly Uint8Array[],
  groups: readonly string[],
  maxBytes: number,
  GRAM: number,
  maxGroupShare: number,
  maxAnalyzedBytes: number,
): Uint8Array {
  if (maxBytes < GRAM) return new Uint8Array(0);
  const groupCap = Math.floor(maxBytes * maxGroupShare);
  // Above maxAnalyzedBytes, every k-th sample (the smallest k that fits): bounded time and memory.
  let stride = 1;
  for (
    let analyzed = samples.reduce((n, s) => n + s.length, 0);
    analyzed > maxAnalyzedBytes && stride < samples.length;
  ) {
    stride++;
    analyzed = 0;
    for (let i = 0; i < samples.length; i += stride) analyzed += samples[i]!.length;
  }
  const byGroup = new Map<string, number[]>();
  for (let i = 0; i < samples.length; i += stride) {
    const g = groups[i]!;
    const list = byGroup.get(g) ?? [];
    list.push(i);
    byGroup.set(g, list);
  }
  const segments = new Map<number, Segment[]>();
  for (const [group, members] of byGroup) {
    // Shingle hashes are computed again in the second pass rather than kept (4 bytes per byte).
    const df = new ShingleCounts();
    members.forEach((sampleIndex, k) => {
      df.addSample(gramHashes(samples[sampleIndex]!, GRAM), k);
    });
    const n = members.length;
    // A lone sample has nothing to share with: then everything in it counts.
    const minDf = n === 1 ? 1 : Math.max(2, Math.ceil(n * 0.05));
    for (const sampleIndex of members) {
      const doc = samples[sampleIndex]!;
      const hs = gramHashes(doc, GRAM);
      let i = 0;
      while (i < hs.length) {
        if (df.get(hs[i]!) < minDf) {
          i++;
          continue;
        }
        const start = i;
        let sum = 0;
        for (let c = df.get(hs[i]!); c >= minDf; c = i < hs.length ? df.get(hs[i]!) : 0) {
          sum += c / n;
          i++;
        }
        const bytes = doc.subarray(start, Math.min(doc.length, i - 1 + GRAM));
        const density = sum / (i - start);
        const key = contentHash(bytes);
        const bucket = segments.get(key);
        const seen = bucket?.find((other) => bytesEqual(other.bytes, bytes));
        if (seen) {
          if (density > seen.density) seen.density = density;
        } else if (bucket) bucket.push({ bytes, density, group });
        else segments.set(key, [{ bytes, density, group }]);
      }
    }
  }
  const ranked = [...segments.values()]
    .flat()
    .sort(
      (a, b) => b.density - a.density || b.bytes.length - a.bytes.length || compareBytes(a.bytes, b.bytes),
    );
  const chosen: Segment[] = [];
  const used = new Map<string, number>();
  const covered = new Set<number>();
  let total = 0;
  for (const pass of [0, 1]) {
    // Pass 0 honours the per-group cap; pass 1 fills any room left with the best remaining content.
    for (const s of ranked) {
      if (total >= maxBytes) break;
      const g = used.get(s.group) ?? 0;
      const room = Math.min(maxBytes - total, pass === 0 ? groupCap - g : maxBytes);
      if (room < GRAM) continue;
      const bytes = s.bytes.length > room ? s.bytes.subarray(0, room) : s.bytes;
      const hs = gramHashes(bytes, GRAM);
      let fresh = 0;
      for (const h of hs) if (!covered.has(h)) fresh++;
      // Skip content that is mostly already in the dictionary (near-duplicate runs differ only at their edges).
      if (fresh * 2 < hs.length) continue;
      for (const h of hs) covered.add(h);
      chosen.push({ ...s, bytes });
      used.set(s.group, g + bytes.length);
      total += bytes.length;
    }
  }
  chosen.reverse();
  const out = new Uint8Array(total);
  let off = 0;
  for (const s of chosen) {
    out.set(s.bytes, off);
    off += s.bytes.length;
  }
  return out;
}

/**
 * Representative samples: the first `sampleBytes − tailBytes` and last `tailBytes` of each, taken
 * from the groups in turn (groups in code-unit order, each in its given order) until `maxBytes`,
 * written in reverse order of taking so the first taken sit at the end, nearest the data.
 */
function sampleContent(
  samples: readonly Uint8Array[],
  groups: readonly string[],
  maxBytes: number,
  sampleBytes: number,
  tailBytes: number,
): Uint8Array {
  const queues = new Map<string, Uint8Array[]>();
  samples.forEach((sample, i) => {
    if (sample.length === 0) return;
    let piece = sample;
    if (sample.length > sampleBytes) {
      piece = new Uint8Array(sampleBytes);
      piece.set(sample.subarray(0, sampleBytes - tailBytes));
      piece.set(sample.subarray(sample.length - tailBytes), sampleBytes - tailBytes);
    }
    const g = groups[i]!;
    const q = queues.get(g) ?? [];
    q.push(piece);
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
  const out = new Uint8Array(total);
  let off = total;
  for (const piece of chosen) {
    off -= piece.length;
    out.set(piece, off);
  }
  return out;
}

/**
 * Build a dictionary from sample payloads. LZR primes its coder with the dictionary, so besides
 * content repeated across samples (tool schemas, system prompts: the first `sharedShare` of the
 * budget) it holds representative traffic (the rest): the start and end of each sample, groups in
 * turn. Layout: repeated content ‖ samples. Deterministic for the same samples in the same order.
 *
 * @example const dict = trainDictionary(files.map((f) => readFileSync(f)))
 */
export function trainDictionary(samples: readonly Uint8Array[], options: TrainOptions = {}): Dictionary {
  const maxBytes = options.maxBytes ?? DEFAULT_DICTIONARY_BYTES;
  const sampleBytes = options.sampleBytes ?? 2048;
  const tailBytes = options.sampleTailBytes ?? 512;
  const sharedShare = options.sharedShare ?? 0.25;
  const GRAM = options.gramBytes ?? DEFAULT_GRAM;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_DICTIONARY_BYTES)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, `maxBytes must be 1–${MAX_DICTIONARY_BYTES}`);
  if (!Number.isInteger(sampleBytes) || sampleBytes < 1)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "sampleBytes must be a positive integer");
  if (!Number.isInteger(tailBytes) || tailBytes < 0 || tailBytes > sampleBytes)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "sampleTailBytes must be 0–sampleBytes");
  if (!(sharedShare >= 0 && sharedShare <= 1))
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "sharedShare must be 0–1");
  const maxAnalyzed = options.maxAnalyzedBytes ?? DEFAULT_MAX_ANALYZED_BYTES;
  if (!Number.isInteger(maxAnalyzed) || maxAnalyzed < 1)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "maxAnalyzedBytes must be a positive integer");
  if (!Number.isInteger(GRAM) || GRAM < 4 || GRAM > 256)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "gramBytes must be 4–256");
  if (samples.length === 0) throw codecError(CodecErrorCode.INVALID_ARGUMENT, "no samples to train on");
  const groups = options.groups ?? samples.map(() => "");
  if (groups.length !== samples.length)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "groups must match samples");
  const shared = sharedContent(
    samples,
    groups,
    Math.floor(maxBytes * sharedShare),
    GRAM,
    options.maxGroupShare ?? 0.5,
    maxAnalyzed,
  );
  const rest = sampleContent(samples, groups, maxBytes - shared.length, sampleBytes, tailBytes);
  if (shared.length + rest.length === 0)
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, "all samples are empty");
  const out = new Uint8Array(shared.length + rest.length);
  out.set(shared);
  out.set(rest, shared.length);
  return createDictionary(out);
}
