import { readFile } from "node:fs/promises";
import { decodeUtf8, detectFormat, WireFormat } from "@m2m/wire";

/** Exit codes shared by every command. */
export const ExitCode = {
  OK: 0,
  /** The input was understood and refused: authentication failed, or content was blocked. */
  REFUSED: 1,
  /** Bad input or arguments. */
  BAD_INPUT: 2,
} as const;

/** Thrown by a command to stop with a one-line message and an exit code. */
export class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Read a file; failing that, exit 2 with `cannot read FILE: CODE`. */
export async function readFileOrExit(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? "EIO";
    throw new CliExit(ExitCode.BAD_INPUT, `cannot read ${file}: ${code}`);
  }
}

/** Read a file, or standard input when `file` is undefined or `-`. */
export async function readInput(file: string | undefined): Promise<Uint8Array> {
  if (file !== undefined && file !== "-") return readFileOrExit(file);
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Write to standard output and wait until it is flushed. */
export function writeOutput(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Text frames often arrive with a trailing newline from `echo` or an editor; strip exactly the
 * line ending (the reference CLI did not, and failed on every such input).
 */
export function trimLineEnding(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/**
 * A frame as read from a file or stdin: text forms (`#M2M|…`, `#TK|…`) as a string without the
 * trailing line ending an editor or `echo` adds; binary frames and anything else as the raw bytes.
 */
export function frameInput(raw: Uint8Array): string | Uint8Array {
  const detected = detectFormat(raw);
  return detected.form === "text" && detected.format !== WireFormat.PASSTHROUGH
    ? trimLineEnding(decodeUtf8(raw))
    : raw;
}
