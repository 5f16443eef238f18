import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode } from "../test/error-code.js";
import { crc32 } from "./crc32.js";
import {
  decodeV1Frame,
  encodeV1Frame,
  encodeV1Header,
  encodeV1SealedFrame,
  peekV1Header,
  peekV1HeaderText,
  V1CommonFlag,
  V1Security,
  v1BinaryToText,
  v1TextToBinary,
} from "./frame-v1.js";
import { routingHeaderFrom } from "./routing.js";

const te = new TextEncoder();
const HI = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
const HI_TEXT =
  "#M2M|1|IgABAAAAAAAAAAAAAAAAAAAAAAAGZ3B0LTRvAQECCtejOz4AAABuYFWkeyJtb2RlbCI6ImdwdC00byIsIm1lc3NhZ2VzIjpbeyJyb2xlIjoidXNlciIsImNvbnRlbnQiOiJIaSJ9XX0=";
const plainFrame = (json: string) => {
  const payload = te.encode(json);
  return encodeV1Frame({
    routing: routingHeaderFrom(json),
    compressed: false,
    payload,
    crc32: crc32(payload),
  });
};

describe("v1 frame", () => {
  it("writes the reference's 111-byte frame for the Hi request", () => {
    const frame = plainFrame(HI);
    expect(frame).toHaveLength(111);
    expect(v1BinaryToText(frame)).toBe(HI_TEXT);
  });

  it("decodes its own and the reference's frames", () => {
    const f = decodeV1Frame(v1TextToBinary(HI_TEXT));
    expect(f).toMatchObject({
      schema: 1,
      security: V1Security.NONE,
      commonFlags: 0,
      crc32: 0xa455606e,
      sealed: null,
    });
    expect(new TextDecoder().decode(f.payload)).toBe(HI);
    expect(f.routing).toMatchObject({ model: "gpt-4o", messageCount: 1, roles: ["user"], contentBytes: 2 });
    expect(f.trailer).toHaveLength(0);
  });

  it("peeks the header from text without decoding the payload", () => {
    const huge = `${HI_TEXT.slice(0, 60)}${"A".repeat(4_000_000)}`;
    const h = peekV1HeaderText(huge);
    expect(h.routing).toMatchObject({ model: "gpt-4o", messageCount: 1 });
    expect(peekV1Header(plainFrame(HI)).routing?.kind).toBe("request");
  });

  it("keeps HMAC trailers and AEAD bodies apart", () => {
    const payload = te.encode(HI);
    const hmac = encodeV1Frame({
      routing: routingHeaderFrom(HI),
      compressed: false,
      payload,
      crc32: crc32(payload),
      security: V1Security.HMAC,
      trailer: new Uint8Array(32).fill(7),
    });
    expect(decodeV1Frame(hmac).trailer).toEqual(new Uint8Array(32).fill(7));
    expect(errorCode(() => decodeV1Frame(hmac.subarray(0, hmac.length - 1)))).toBe("WIRE_TRUNCATED");
    const header = encodeV1Header({
      routing: routingHeaderFrom(HI),
      compressed: false,
      security: V1Security.AEAD,
    });
    const sealed = encodeV1SealedFrame(header, new Uint8Array(40).fill(1));
    const f = decodeV1Frame(sealed);
    expect(f.security).toBe(V1Security.AEAD);
    expect(f.sealed).toHaveLength(40);
    expect(f.header).toEqual(header);
  });

  it("sets COMPRESSED only when asked", () => {
    const payload = te.encode(HI);
    const frame = encodeV1Frame({ routing: routingHeaderFrom(HI), compressed: true, payload, crc32: 0 });
    expect(decodeV1Frame(frame).commonFlags & V1CommonFlag.COMPRESSED).toBe(V1CommonFlag.COMPRESSED);
  });

  it.each([
    ["wrong prefix", () => decodeV1Frame(te.encode("#M2M|2|xx")), "WIRE_BAD_PREFIX"],
    [
      "header_len below 20",
      () => decodeV1Frame(Uint8Array.from([...te.encode("#M2M|1|"), 5, 0, 1, 0, ...new Array(20).fill(0)])),
      "WIRE_BAD_HEADER",
    ],
    [
      "unknown security byte",
      () => decodeV1Frame(Uint8Array.from([...plainFrame(HI)].map((b, i) => (i === 10 ? 9 : b)))),
      "WIRE_BAD_HEADER",
    ],
    ["payload past the end", () => decodeV1Frame(plainFrame(HI).subarray(0, 100)), "WIRE_TRUNCATED"],
    [
      "frame over the limit",
      () => decodeV1Frame(plainFrame(HI), { maxFrameBytes: 100 }),
      "WIRE_LIMIT_EXCEEDED",
    ],
    [
      "text over the limit before base64",
      () => v1TextToBinary(HI_TEXT, { maxFrameBytes: 50 }),
      "WIRE_LIMIT_EXCEEDED",
    ],
    ["text with a newline", () => v1TextToBinary(`${HI_TEXT}\n`), "WIRE_BAD_BASE64"],
  ])("rejects %s", (_, fn, code) => {
    expect(errorCode(fn)).toBe(code);
  });

  it("round-trips any JSON-shaped request (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          model: fc.string(),
          messages: fc.array(
            fc.record({ role: fc.constantFrom("system", "user", "assistant", "tool"), content: fc.string() }),
            { maxLength: 12 },
          ),
        }),
        (request) => {
          const json = JSON.stringify(request);
          const frame = plainFrame(json);
          const back = decodeV1Frame(v1TextToBinary(v1BinaryToText(frame)));
          expect(new TextDecoder().decode(back.payload)).toBe(json);
          expect(back.crc32).toBe(crc32(te.encode(json)));
          expect(back.routing).toMatchObject({
            messageCount: request.messages.length,
            roles: request.messages.map((m) => m.role),
          });
        },
      ),
    );
  });
});
