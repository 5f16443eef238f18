import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../dist/bin.js");
const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../spec/vectors/wire-v1-frames.json"), "utf8"),
) as {
  vectors: Array<{ kind: string; text?: string; hex?: string; routing?: Record<string, unknown> }>;
};
const run = (args: string[], input?: string | Uint8Array) =>
  spawnSync(process.execPath, [bin, ...args], input === undefined ? {} : { input });

describe("m2m inspect", () => {
  const frames = vectors.vectors.filter(
    (v) => (v.kind === "v1-encode" || v.kind === "v1-decode") && v.routing,
  );
  it.each(frames.map((v, i) => [i, v] as const))(
    "prints the routing header of v1 vector %i (stdin, text or binary)",
    (_, v) => {
      const input = v.text ? `${v.text}\n` : Buffer.from(v.hex!, "hex");
      const result = run(["inspect"], input);
      expect(result.status).toBe(0);
      const header = JSON.parse(result.stdout.toString());
      expect(header.format).toBe("m2m-v1");
      expect(header.routing).toMatchObject(v.routing!);
    },
  );

  it("reads a file argument", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-inspect-"));
    const file = join(dir, "frame.txt");
    writeFileSync(file, frames[0]!.text!);
    const out = execFileSync(process.execPath, [bin, "inspect", file]).toString();
    expect(JSON.parse(out).routing.model).toBe("gpt-4o");
  });

  it.each([
    ["passthrough text", "hello"],
    ["broken base64", "#M2M|1|IgAB!!!!"],
    ["unknown version", "#M2M|9|abc"],
  ])("exits 2 with one line on %s", (_, input) => {
    const result = run(["inspect"], input);
    expect(result.status).toBe(2);
    const err = result.stderr.toString();
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toMatch(/^m2m: WIRE_/);
  });

  it("exits 2 on a missing file and on an unknown command", () => {
    expect(run(["inspect", "/nonexistent/frame"]).status).toBe(2);
    expect(run(["frobnicate"]).status).toBe(2);
  });

  it("prints help and version", () => {
    expect(run(["--help"]).stdout.toString()).toMatch(/inspect/);
    expect(run(["--version"]).stdout.toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
