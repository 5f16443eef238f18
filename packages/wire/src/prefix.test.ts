import { describe, expect, it } from "vitest";
import { detectFormat, WireFormat } from "./prefix.js";

const te = new TextEncoder();

describe("detectFormat", () => {
  it.each([
    ["#M2M|1|IgAB", WireFormat.M2M_V1, "text", 7],
    ["#M2M|2|wU0C", WireFormat.M2M_V2, "text", 7],
    ["#TK|C|sk0L/Q4A", WireFormat.TOKEN_NATIVE, "text", 6],
    ["#TK|O|qWcL", WireFormat.TOKEN_NATIVE, "text", 6],
    ["#TK|L|AAAA", WireFormat.TOKEN_NATIVE, "text", 6],
    ["#M2M[v3.0]|DATA:G0gA", WireFormat.BROTLI, "text", 16],
    ["#M2M|7|abc", WireFormat.M2M_UNKNOWN_VERSION, "text", 7],
    ['{"model":"x"}', WireFormat.PASSTHROUGH, "text", 0],
    ["#M2M|abc", WireFormat.PASSTHROUGH, "text", 0],
    ["", WireFormat.PASSTHROUGH, "text", 0],
  ])("%j → %s", (input, format, form, prefixLength) => {
    expect(detectFormat(input)).toMatchObject({ format, form, prefixLength });
    expect(detectFormat(te.encode(input))).toMatchObject({ format, form, prefixLength });
  });

  it("reads the TokenNative tokenizer id", () => {
    expect(detectFormat("#TK|O|x").tokenizer).toBe("O");
    expect(detectFormat("#TK||x").tokenizer).toBe("");
  });

  it("tells binary v1 frames from text ones by the schema byte", () => {
    const binary = Uint8Array.from([...te.encode("#M2M|1|"), 0x22, 0x00, 0x01, 0x00]);
    expect(detectFormat(binary)).toMatchObject({ format: WireFormat.M2M_V1, form: "binary" });
    expect(detectFormat(te.encode("#M2M|1|IgABAAAA"))).toMatchObject({ form: "text" });
  });

  it("recognises binary v2 frames by magic, and unknown versions", () => {
    expect(detectFormat(Uint8Array.of(0xc1, 0x4d, 0x02, 0))).toMatchObject({
      format: WireFormat.M2M_V2,
      form: "binary",
    });
    expect(detectFormat(Uint8Array.of(0xc1, 0x4d, 0x09, 0))).toMatchObject({
      format: WireFormat.M2M_UNKNOWN_VERSION,
    });
  });
});
