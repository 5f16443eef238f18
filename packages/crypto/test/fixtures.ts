import { crc32, encodeUtf8, encodeV1Frame, encodeV2Frame, type Routing, routingHeaderFrom } from "@m2m/wire";
import type { FrameKey } from "../src/index.js";

export const KEY: FrameKey = { id: "k1", key: new Uint8Array(32).fill(0x42) };
export const OTHER_KEY: FrameKey = { id: "k2", key: new Uint8Array(32).fill(0x17) };

export function routingFor(json: string): Routing {
  return routingHeaderFrom(JSON.parse(json));
}

/** An unprotected v1 binary frame of `json` (raw payload). */
export function v1Frame(json = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}'): Uint8Array {
  const payload = encodeUtf8(json);
  return encodeV1Frame({ routing: routingFor(json), compressed: false, payload, crc32: crc32(payload) });
}

/** An unprotected v2 binary frame of `json` (raw codec), with or without the CRC. */
export function v2Frame(
  json = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}',
  withCrc = true,
): Uint8Array {
  const payload = encodeUtf8(json);
  return encodeV2Frame({
    schema: 1,
    codec: 0,
    routing: routingFor(json),
    originalLength: payload.length,
    crc32: withCrc ? crc32(payload) : null,
    payload,
  });
}
