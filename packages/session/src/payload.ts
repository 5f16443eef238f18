import { CodecId, decodeV2Frame, encodeV2Frame, M2MError, Schema, type V2Frame } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";
import type { Negotiated } from "./negotiate.js";

/**
 * Turns application payloads into unprotected binary v2 frames and back, with state scoped to one
 * direction of one session (a delta coder remembers what it sent). The session seals the frame.
 *
 * @example
 * const codec = rawPayloadCodec();
 * codec.decode(codec.encode(bytes), 1 << 20); // bytes
 */
export interface PayloadCodec {
  /** A binary v2 frame carrying `payload`. */
  encode(payload: Uint8Array): Uint8Array;
  /** The payload back; throws `M2MError` on a bad frame or when the result exceeds `maxBytes`. */
  decode(frame: Uint8Array, maxBytes: number): Uint8Array;
}

/** Builds the send and receive codecs of one session once parameters are negotiated. */
export type PayloadCodecFactory = (negotiated: Negotiated) => {
  readonly send: PayloadCodec;
  readonly receive: PayloadCodec;
};

function checkedFrame(frame: Uint8Array, maxBytes: number): V2Frame {
  try {
    return decodeV2Frame(frame, { maxDecodedBytes: maxBytes, maxFrameBytes: maxBytes + 4096 });
  } catch (e) {
    throw new M2MError(SessionErrorCode.BAD_MESSAGE, "DATA body is not a valid frame", { cause: e });
  }
}

/**
 * The identity codec: the payload travels in a v2 frame with codec id RAW (8 bytes of framing for
 * small payloads). Used when negotiation picks `none`.
 *
 * @example const frame = rawPayloadCodec().encode(new TextEncoder().encode("{}"));
 */
export function rawPayloadCodec(): PayloadCodec {
  return {
    encode(payload: Uint8Array): Uint8Array {
      return encodeV2Frame({
        schema: Schema.CUSTOM,
        codec: CodecId.RAW,
        originalLength: payload.length,
        payload,
      });
    },
    decode(frame: Uint8Array, maxBytes: number): Uint8Array {
      const decoded = checkedFrame(frame, maxBytes);
      if (
        decoded.codec !== CodecId.RAW ||
        decoded.security !== null ||
        decoded.payload.length !== decoded.originalLength
      ) {
        throw new M2MError(SessionErrorCode.BAD_MESSAGE, "expected a raw, unprotected frame");
      }
      return decoded.payload.slice();
    },
  };
}

/** A factory that uses {@link rawPayloadCodec} in both directions. */
export const rawPayloadCodecs: PayloadCodecFactory = () => ({
  send: rawPayloadCodec(),
  receive: rawPayloadCodec(),
});
