import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compress, compressToText, decompress, loadTokenizer } from "../src/index.js";

// Every file of the public chat corpus (../shared/corpus/chat beside the repo, as CI has it) through
// every algorithm, binary and text forms, byte-exact. A missing corpus is a failure, not a skip.
const chatDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/corpus/chat");
const files: { name: string; bytes: Uint8Array; json: boolean }[] = [];
if (existsSync(chatDir)) {
  for (const folder of ["requests", "responses", "streams"])
    for (const name of readdirSync(join(chatDir, folder)).sort())
      files.push({
        name: `${folder}/${name}`,
        bytes: new Uint8Array(readFileSync(join(chatDir, folder, name))),
        json: folder !== "streams",
      });
}
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

beforeAll(async () => {
  await loadTokenizer("cl100k");
}, 60_000);

describe("every corpus file round-trips through every algorithm", () => {
  it(`finds the corpus at ${chatDir}`, () => {
    expect(files.length, "clone the shared folder beside the repo (../shared/corpus/chat)").toBeGreaterThan(
      200,
    );
  });
  for (const algorithm of ["auto", "dict", "dict-deflate", "brotli", "tk", "none", "m2m"] as const) {
    it(`${algorithm}: binary and text forms`, () => {
      let checked = 0;
      for (const f of files) {
        if (algorithm === "m2m" && !f.json) continue; // the reference v1 frame carries JSON only
        const binary = compress(f.bytes, { algorithm });
        if (!equal(decompress(binary), f.bytes)) throw new Error(`${algorithm} binary: ${f.name}`);
        const text = compressToText(f.bytes, { algorithm });
        if (!equal(decompress(text), f.bytes)) throw new Error(`${algorithm} text: ${f.name}`);
        checked++;
      }
      expect(checked).toBeGreaterThan(algorithm === "m2m" ? 200 : 240);
    }, 300_000);
  }
});
