// The fixed train/test split of ../shared/corpus/chat used by the dictionary build and the codec bench.
// Rule (spec/codec.md §5): in each folder (requests, responses, streams), sort file names by code unit;
// even positions (0, 2, 4, …) are TRAIN, odd positions are TEST. Source = file-name prefix
// (taubench / hhrlhf / vercel).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const FOLDERS = ["requests", "responses", "streams"];

export function sourceOf(name) {
  if (name.startsWith("taubench")) return "taubench";
  if (name.startsWith("hhrlhf")) return "hhrlhf";
  if (name.startsWith("vercel")) return "vercel";
  return "other";
}

export function listCorpus(chatDir) {
  const out = [];
  for (const folder of FOLDERS) {
    const names = readdirSync(join(chatDir, folder)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    names.forEach((name, i) => {
      out.push({
        file: `${folder}/${name}`,
        folder,
        source: sourceOf(name),
        half: i % 2 === 0 ? "train" : "test",
        bytes: new Uint8Array(readFileSync(join(chatDir, folder, name))),
      });
    });
  }
  return out;
}
