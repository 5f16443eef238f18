import { decompressToString } from "@m2m/codec";
import { createScanner, type Scanner, type ScanResult } from "@m2m/security";
import { decodeUtf8, detectFormat, M2MError, WireFormat } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { CliExit, ExitCode, readInput, trimLineEnding, writeOutput } from "../io.js";

interface ScanArgs {
  file: string | undefined;
  json: boolean;
  jsonl: string | undefined;
  policy: string;
  threshold: number;
  role: string;
}

const ROLES = ["system", "developer", "user", "assistant", "tool", "function", "other"] as const;
type RoleName = (typeof ROLES)[number];

type Kind = "request" | "response" | "text";

/** What a JSON document is: a request (messages/prompt/input), a response (choices) or `{text}`. */
function kindOf(value: unknown): Kind | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if ("choices" in v) return "response";
  if ("messages" in v || "prompt" in v || "input" in v) return "request";
  if (typeof v.text === "string") return "text";
  return null;
}

function scanValue(scanner: Scanner, value: unknown, defaultRole: RoleName): ScanResult | null {
  const kind = kindOf(value);
  if (kind === null) return null;
  if (kind === "response") return scanner.scanResponse(value);
  if (kind === "request") return scanner.scanRequest(value);
  const v = value as { text: string; role?: unknown };
  const role =
    typeof v.role === "string" && (ROLES as readonly string[]).includes(v.role)
      ? (v.role as RoleName)
      : defaultRole;
  return scanner.scanText(v.text, { role });
}

/** The verdict without evidence excerpts: rule ids, categories, scores, paths and roles only. */
function compact(result: ScanResult): object {
  return {
    safe: result.safe,
    action: result.action,
    score: Math.round(result.score * 1e4) / 1e4,
    threats: result.threats.map((t) => ({
      category: t.category,
      rule: t.rule,
      score: Math.round(t.score * 1e4) / 1e4,
      role: t.role,
      path: t.path,
    })),
  };
}

function summary(result: ScanResult): string {
  const head = `${result.action} score=${result.score.toFixed(3)}`;
  if (result.threats.length === 0) return `${head}\n`;
  const lines = result.threats
    .slice(0, 20)
    .map(
      (t) =>
        `  ${t.category} ${t.rule} ${t.score.toFixed(3)} ${t.role} ${t.path}${t.evidence.via ? ` via ${t.evidence.via}` : ""}`,
    );
  return `${head}\n${lines.join("\n")}\n`;
}

/** Decode an M2M frame (text or binary) to its original JSON text, or return the input as text. */
function asDocumentText(raw: Uint8Array): string {
  const detected = detectFormat(raw);
  if (detected.format !== WireFormat.PASSTHROUGH) {
    const input = detected.form === "text" ? trimLineEnding(decodeUtf8(raw)) : raw;
    return decompressToString(input);
  }
  return decodeUtf8(raw);
}

async function scanJsonl(scanner: Scanner, file: string, role: RoleName): Promise<number> {
  const text = decodeUtf8(await readInput(file));
  let blocked = false;
  let bad = false;
  const out: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad = true;
      out.push(JSON.stringify({ line: i + 1, error: "not valid JSON" }));
      continue;
    }
    const result = scanValue(scanner, value, role);
    const id =
      typeof value === "object" && value !== null && "id" in value
        ? (value as { id: unknown }).id
        : undefined;
    if (result === null) {
      bad = true;
      out.push(
        JSON.stringify({
          line: i + 1,
          ...(id === undefined ? {} : { id }),
          error: "expected {text} or a chat-completion request/response",
        }),
      );
      continue;
    }
    if (result.action === "block") blocked = true;
    out.push(JSON.stringify({ line: i + 1, ...(id === undefined ? {} : { id }), ...compact(result) }));
    if (out.length >= 512) await writeOutput(`${out.splice(0).join("\n")}\n`);
  }
  if (out.length > 0) await writeOutput(`${out.join("\n")}\n`);
  if (bad) return ExitCode.BAD_INPUT;
  return blocked ? ExitCode.REFUSED : ExitCode.OK;
}

/**
 * `m2m scan [FILE]` scans one text or JSON document (chat-completion request or response, plain
 * or as an M2M frame); `m2m scan --jsonl FILE` scans one `{"text"}` or request object per line and
 * prints one JSON verdict per line. Exit 0 allowed (or monitor), 1 blocked, 2 bad input.
 */
export const scanCommand: M2MCommand<ScanArgs> = {
  builder: (y: Argv) =>
    y
      .positional("file", {
        type: "string",
        describe: "text or JSON file (standard input when omitted or -)",
      })
      .option("json", { type: "boolean", default: false, describe: "print the verdict as JSON" })
      .option("jsonl", { type: "string", describe: "scan a JSON-lines file, one verdict per line" })
      .option("policy", {
        type: "string",
        choices: ["monitor", "block"],
        default: "block",
        describe: "monitor flags, block refuses (exit 1)",
      })
      .option("threshold", {
        type: "number",
        default: 0.5,
        describe: "score at or above which content is flagged/blocked",
      })
      .option("role", {
        type: "string",
        choices: [...ROLES],
        default: "user",
        describe: "role of plain text input",
      }) as unknown as Argv<ScanArgs>,
  handler: async (args) => {
    if (!(args.threshold >= 0 && args.threshold <= 1))
      throw new CliExit(ExitCode.BAD_INPUT, "--threshold must be in [0, 1]");
    const role = args.role as RoleName;
    const scanner = createScanner({
      policy: args.policy === "monitor" ? "monitor" : "block",
      threshold: args.threshold,
    });
    if (args.jsonl !== undefined)
      return scanJsonl(
        createScanner({
          policy: args.policy === "monitor" ? "monitor" : "block",
          threshold: args.threshold,
          evidence: "offsets",
        }),
        args.jsonl,
        role,
      );
    const raw = await readInput(args.file);
    let text: string;
    try {
      text = asDocumentText(raw);
    } catch (e) {
      if (M2MError.isInstance(e)) throw new CliExit(ExitCode.BAD_INPUT, `cannot read input: ${e.message}`);
      throw e;
    }
    const trimmed = text.trimStart();
    let result: ScanResult;
    if (trimmed.startsWith("{")) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new CliExit(ExitCode.BAD_INPUT, "input looks like JSON but does not parse");
      }
      const scanned = scanValue(scanner, value, role);
      if (scanned === null)
        throw new CliExit(
          ExitCode.BAD_INPUT,
          "JSON input must be {text}, a chat-completion request or a response",
        );
      result = scanned;
    } else {
      result = scanner.scanText(text, { role });
    }
    await writeOutput(args.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result));
    return result.action === "block" ? ExitCode.REFUSED : ExitCode.OK;
  },
};
