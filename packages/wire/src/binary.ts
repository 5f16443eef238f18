import { M2MError, WireErrorCode } from "./errors.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";
import { decodeVarint32, decodeVarint64, decodeVarintSafe, varintSize } from "./varint.js";

/**
 * Chainable writer over a growing `Uint8Array` (capacity doubles when full). Endianness is always
 * explicit in the method name.
 *
 * @example const bytes = new BinaryWriter().uint8(1).uint16le(513).varint(300).finish();
 */
export class BinaryWriter {
  private buffer: Uint8Array;
  /** Made only for 64-bit and float writes: `.buffer` of a small typed array costs an allocation. */
  private viewCache: DataView | null = null;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  private get view(): DataView {
    this.viewCache ??= new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    return this.viewCache;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.pos));
    this.buffer = next;
    this.viewCache = null;
  }

  uint8(value: number): this {
    this.ensure(1);
    this.buffer[this.pos++] = value;
    return this;
  }

  uint16le(value: number): this {
    this.ensure(2);
    const b = this.buffer;
    b[this.pos++] = value;
    b[this.pos++] = value >>> 8;
    return this;
  }

  uint16be(value: number): this {
    this.ensure(2);
    const b = this.buffer;
    b[this.pos++] = value >>> 8;
    b[this.pos++] = value;
    return this;
  }

  uint32le(value: number): this {
    this.ensure(4);
    const b = this.buffer;
    b[this.pos++] = value;
    b[this.pos++] = value >>> 8;
    b[this.pos++] = value >>> 16;
    b[this.pos++] = value >>> 24;
    return this;
  }

  uint32be(value: number): this {
    this.ensure(4);
    const b = this.buffer;
    b[this.pos++] = value >>> 24;
    b[this.pos++] = value >>> 16;
    b[this.pos++] = value >>> 8;
    b[this.pos++] = value;
    return this;
  }

  uint64le(value: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  uint64be(value: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, value, false);
    this.pos += 8;
    return this;
  }

  float32le(value: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }

  /** Unsigned LEB128 of a safe integer (0 … 2^53-1). */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new M2MError(WireErrorCode.INVALID_ARGUMENT, `varint value out of range: ${value}`);
    }
    this.ensure(varintSize(value));
    while (value >= 0x80) {
      this.buffer[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.pos++] = value;
    return this;
  }

  /** Unsigned LEB128 of a 64-bit bigint. */
  varint64(value: bigint): this {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn) {
      throw new M2MError(WireErrorCode.INVALID_ARGUMENT, `varint64 value out of range: ${value}`);
    }
    this.ensure(10);
    while (value >= 0x80n) {
      this.buffer[this.pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.buffer[this.pos++] = Number(value);
    return this;
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buffer.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  /** Varint length followed by the bytes. */
  lengthPrefixed(data: Uint8Array): this {
    return this.varint(data.length).bytes(data);
  }

  /** Varint length followed by the UTF-8 bytes of `text`. */
  string(text: string): this {
    return this.lengthPrefixed(encodeUtf8(text));
  }

  /** A copy of the written bytes, sized exactly. */
  finish(): Uint8Array {
    // A writer sized exactly hands over its buffer; otherwise the written part is copied out.
    return this.pos === this.buffer.length ? this.buffer : this.buffer.slice(0, this.pos);
  }
}

/**
 * Bounds-checked reader over a `Uint8Array`. Every read past the end throws `WIRE_TRUNCATED`;
 * `bytes()` returns views (no copy) into the input.
 */
export class BinaryReader {
  readonly bytesView: Uint8Array;
  /** Made only for 64-bit and float reads (see BinaryWriter). */
  private viewCache: DataView | null = null;
  private readonly end: number;
  pos: number;

  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new M2MError(WireErrorCode.INVALID_ARGUMENT, "reader range is outside the buffer");
    }
    this.bytesView = bytes;
    this.pos = start;
    this.end = end;
  }

  private get view(): DataView {
    const b = this.bytesView;
    this.viewCache ??= new DataView(b.buffer, b.byteOffset, b.byteLength);
    return this.viewCache;
  }

  /** Bytes left before the end of the reader's range. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private need(count: number, what: string): void {
    if (this.end - this.pos < count) {
      throw new M2MError(WireErrorCode.TRUNCATED, `input ends inside ${what}`, {
        details: { offset: this.pos, needed: count },
      });
    }
  }

  uint8(): number {
    this.need(1, "a byte");
    return this.bytesView[this.pos++]!;
  }

  uint16le(): number {
    this.need(2, "a u16");
    const b = this.bytesView;
    const p = this.pos;
    this.pos += 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  uint16be(): number {
    this.need(2, "a u16");
    const b = this.bytesView;
    const p = this.pos;
    this.pos += 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  uint32le(): number {
    this.need(4, "a u32");
    const b = this.bytesView;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  uint32be(): number {
    this.need(4, "a u32");
    const b = this.bytesView;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  uint64le(): bigint {
    this.need(8, "a u64");
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  uint64be(): bigint {
    this.need(8, "a u64");
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  float32le(): number {
    this.need(4, "an f32");
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A varint that must fit in 32 bits. */
  varint32(): number {
    const { value, length } = decodeVarint32(this.bytesView, this.pos, this.end);
    this.pos += length;
    return value;
  }

  /** A varint that must be a safe integer (≤ 2^53-1). */
  varint(): number {
    const { value, length } = decodeVarintSafe(this.bytesView, this.pos, this.end);
    this.pos += length;
    return value;
  }

  varint64(): bigint {
    const { value, length } = decodeVarint64(this.bytesView, this.pos, this.end);
    this.pos += length;
    return value;
  }

  /** A view of the next `count` bytes (no copy). */
  bytes(count: number): Uint8Array {
    this.need(count, `a ${count}-byte field`);
    const out = this.bytesView.subarray(this.pos, this.pos + count);
    this.pos += count;
    return out;
  }

  /** A varint length (checked against `maxLength` before reading) followed by that many bytes. */
  lengthPrefixed(maxLength: number = Number.MAX_SAFE_INTEGER): Uint8Array {
    const length = this.varint();
    if (length > maxLength) {
      throw new M2MError(
        WireErrorCode.LIMIT_EXCEEDED,
        `field length ${length} exceeds the limit of ${maxLength}`,
      );
    }
    return this.bytes(length);
  }

  /** A length-prefixed strict UTF-8 string. */
  string(maxBytes: number = Number.MAX_SAFE_INTEGER): string {
    return decodeUtf8(this.lengthPrefixed(maxBytes));
  }

  /** The rest of the reader's range, as a view. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}
