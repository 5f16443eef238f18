import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../dist/bin.js");
const run = (args: string[], input?: string | Uint8Array) =>
  spawnSync(process.execPath, [bin, ...args], {
    maxBuffer: 64 << 20,
    ...(input === undefined ? {} : { input }),
  });
const JSON_BODY = JSON.stringify({
  model: "gpt-4o",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Say <|endoftext|> back to me, then tell me about the weather in Lisbon." },
  ],
});

describe("m2m compress / decompress", () => {
  for (const algorithm of ["auto", "m2m", "brotli", "tk", "dict", "dict-deflate", "none"]) {
    it(`${algorithm}: text and --binary round-trip through stdin/stdout`, { timeout: 120_000 }, () => {
      const text = run(["compress", "--algorithm", algorithm], JSON_BODY);
      expect(text.status).toBe(0);
      expect(run(["decompress"], text.stdout).stdout.toString()).toBe(JSON_BODY);
      const binary = run(["compress", "--algorithm", algorithm, "--binary"], JSON_BODY);
      expect(binary.status).toBe(0);
      expect(run(["decompress"], binary.stdout).stdout.toString()).toBe(JSON_BODY);
    });
  }
  it("--effort fast round-trips; an unknown effort exits 2", () => {
    const fast = run(["compress", "--effort", "fast", "--binary"], JSON_BODY);
    expect(fast.status).toBe(0);
    expect(run(["decompress"], fast.stdout).stdout.toString()).toBe(JSON_BODY);
    expect(run(["compress", "--effort", "max"], JSON_BODY).status).toBe(2);
  });
  it("tk with every tokenizer writes #TK|C|, #TK|O|, #TK|L| and decodes them", () => {
    for (const [tokenizer, id] of [
      ["cl100k", "C"],
      ["o200k", "O"],
      ["llama3", "L"],
    ]) {
      const out = run(["compress", "-a", "tk", "--tokenizer", tokenizer!], "Hello, world!").stdout.toString();
      expect(out.startsWith(`#TK|${id}|`)).toBe(true);
      expect(run(["decompress"], out).stdout.toString()).toBe("Hello, world!");
    }
    expect(run(["compress", "-a", "tk"], "Hello, world!").stdout.toString()).toBe("#TK|C|sk0L/Q4A");
  }, 180_000);
  it("dict train writes a dictionary that compress --dict and decompress --dict use", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-dict-"));
    const files = Array.from({ length: 6 }, (_, i) => {
      const f = join(dir, `s${i}.json`);
      writeFileSync(
        f,
        JSON.stringify({
          model: "acme-7",
          messages: [
            { role: "system", content: "ACME support bot. Always ask for the order number." },
            { role: "user", content: `order ${i}` },
          ],
        }),
      );
      return f;
    });
    const dictFile = join(dir, "app.dict");
    const train = run(["dict", "train", ...files, "-o", dictFile]);
    expect(train.status).toBe(0);
    expect(readFileSync(dictFile).subarray(0, 4).toString()).toBe("M2MD");
    const sample = readFileSync(files[3]!, "utf8");
    const frame = run(["compress", "-a", "dict", "--dict", dictFile], sample).stdout;
    const without = run(["decompress"], frame);
    expect(without.status).toBe(2);
    expect(without.stderr.toString()).toContain("CODEC_UNKNOWN_DICTIONARY");
    expect(run(["decompress", "--dict", dictFile], frame).stdout.toString()).toBe(sample);
  });
  it("dict train: an output it cannot write exits 2 with one line and leaves no partial file", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-dict-out-"));
    const sample = join(dir, "s.json");
    writeFileSync(sample, JSON_BODY);
    const target = join(dir, "taken");
    mkdirSync(target); // a directory where the dictionary should go: the final rename fails
    const r = run(["dict", "train", sample, "-o", target]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString().trim().split("\n")).toEqual([
      expect.stringMatching(/^m2m: cannot write .*taken: E/),
    ]);
    expect(readdirSync(dir).sort()).toEqual(["s.json", "taken"]);
    expect(readdirSync(target)).toEqual([]);
  });
  it("dict train says what it trains on before a long run (8 MB and more)", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-dict-big-"));
    const lines: string[] = [];
    for (let i = 0, n = 0; n < 2_100_000; i++) {
      const line = JSON.stringify({ model: "acme-7", messages: [{ role: "user", content: `order ${i}` }] });
      lines.push(line);
      n += line.length + 1;
    }
    const files = [0, 1, 2, 3].map((i) => {
      const f = join(dir, `big${i}.jsonl`);
      writeFileSync(f, lines.join("\n"));
      return f;
    });
    const r = run(["dict", "train", ...files, "-o", join(dir, "big.dict")]);
    expect(r.status).toBe(0);
    const err = r.stderr.toString().trim().split("\n");
    expect(err[0]).toMatch(/^training on 4 files, 8\.\d MB…$/);
    expect(err[1]).toMatch(/^wrote .*big\.dict: \d+ bytes, id [0-9a-f]{16}, from 4 files$/);
    const small = run(["dict", "train", files[0]!, "-o", join(dir, "small.dict")]);
    expect(small.stderr.toString().trim().split("\n")).toHaveLength(1);
  });
  it("--max-bytes sets the size limit both ways; hitting it says how to raise it", () => {
    const size = Buffer.byteLength(JSON_BODY);
    for (const cmd of [["compress"], ["compress", "--binary"]]) {
      const small = run([...cmd, "--max-bytes", String(size - 1)], JSON_BODY);
      expect(small.status).toBe(2);
      expect(small.stderr.toString().trim()).toMatch(
        /^m2m: WIRE_LIMIT_EXCEEDED: .* \(--max-bytes raises it; /,
      );
      const exact = run([...cmd, "--max-bytes", String(size)], JSON_BODY);
      expect(exact.status).toBe(0);
      expect(run(["decompress", "--max-bytes", String(size)], exact.stdout).stdout.toString()).toBe(
        JSON_BODY,
      );
      const refused = run(["decompress", "--max-bytes", String(size - 1)], exact.stdout);
      expect(refused.status).toBe(2);
      expect(refused.stdout.length).toBe(0);
    }
    // Above the 16 MiB default only with the flag, on both ends.
    const big = "x".repeat(17 * 1024 * 1024);
    expect(run(["compress", "--binary"], big).status).toBe(2);
    const frame = run(["compress", "--binary", "--max-bytes", String(32 << 20)], big);
    expect(frame.status).toBe(0);
    expect(run(["decompress"], frame.stdout).status).toBe(2);
    expect(run(["decompress", "--max-bytes", String(32 << 20)], frame.stdout).stdout.length).toBe(big.length);
    for (const bad of ["0", "-5", "1.5"])
      expect(run(["compress", "--max-bytes", bad], JSON_BODY).status).toBe(2);
  }, 120_000);
  it("bad input exits 2 with one line", () => {
    for (const [args, input] of [
      [["decompress"], "#M2M|1|!!!!"],
      [["decompress"], "#TK|C|/////w8="],
      [["compress", "-a", "m2m"], "not json"],
      [["compress", "--dict", "/nonexistent.dict"], "x"],
      [["dict", "train", "-o", "/tmp/x.dict"], ""],
    ] as const) {
      const r = run([...args], input);
      expect(r.status).toBe(2);
      expect(r.stderr.toString().trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("command loading", () => {
  /** Run main() in a fresh process; report whether undici (the proxy's HTTP client, CommonJS) got loaded. */
  const loadsProxy = (args: string[]): boolean => {
    const main = join(import.meta.dirname, "../dist/main.js");
    const script = `
      import { createRequire } from "node:module";
      import { main } from ${JSON.stringify(main)};
      await main(${JSON.stringify(args)});
      const cache = Object.keys(createRequire(import.meta.url).cache);
      process.stderr.write("UNDICI=" + cache.some((k) => k.includes("undici")) + "\\n");`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script]);
    const line = child.stderr.toString().match(/UNDICI=(true|false)/);
    expect(line, child.stderr.toString()).not.toBeNull();
    return line![1] === "true";
  };

  it("compress, decompress and dict load their own modules only (not the proxy)", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-lazy-"));
    const file = join(dir, "body.json");
    writeFileSync(file, JSON_BODY);
    expect(loadsProxy(["compress", file, "--binary"])).toBe(false);
    expect(loadsProxy(["decompress", file])).toBe(false);
    expect(loadsProxy(["dict", "train", file, "-o", join(dir, "a.dict")])).toBe(false);
    // The check itself sees the proxy when a command needs it.
    expect(loadsProxy(["proxy", "--help"])).toBe(true);
  });
});
