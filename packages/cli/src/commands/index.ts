import type { M2MCommandEntry } from "../command.js";

/**
 * Every `m2m` subcommand: its usage and summary here, its options and handler in its own module under
 * `commands/`, imported only when that command runs (or shows its help) — so `m2m compress` does not
 * load the proxy, the crypto or the scanner. Add a command by adding its file and one entry here; a
 * handler returns its exit code (or throws `CliExit` / `M2MError`).
 */
export const commands: readonly M2MCommandEntry[] = [
  {
    command: "inspect [file]",
    describe: "Print the routing header of an M2M frame (text or binary) as JSON, without decompressing",
    load: async () => (await import("./inspect.js")).inspectCommand,
  },
  {
    command: "compress [file]",
    describe: "Compress a payload (stdin by default) to an M2M text form, or a binary frame with --binary",
    load: async () => (await import("./compress.js")).compressCommand,
  },
  {
    command: "decompress [file]",
    describe:
      "Decompress any M2M form (#M2M|1|, #M2M|2|, #M2M[v3.0]|DATA:, #TK|, binary frames) to the original bytes",
    load: async () => (await import("./decompress.js")).decompressCommand,
  },
  {
    command: "dict <action> [files..]",
    describe: "Dictionaries: `m2m dict train FILES… -o app.dict` trains one from sample payloads",
    load: async () => (await import("./dict.js")).dictCommand,
  },
  {
    command: "proxy",
    describe: "Run the OpenAI-compatible proxy (scanning, metrics, M2M frames between proxies)",
    load: async () => (await import("./proxy.js")).proxyCommand,
  },
  {
    command: "keygen",
    describe: "Generate a 32-byte symmetric frame key, or an X25519 key pair (JSON), as hex or base64",
    load: async () => (await import("./keygen.js")).keygenCommand,
  },
  {
    command: "key <action>",
    describe:
      "Key hierarchy: `key derive --master KEY --path m2m/v1/ORG/AGENT[/PURPOSE]` prints the derived key",
    load: async () => (await import("./key.js")).keyCommand,
  },
  {
    command: "seal [file]",
    describe: "Authenticate (hmac) or encrypt (aead, default) an M2M frame; v1 and v2, text or binary",
    load: async () => (await import("./seal.js")).sealCommand,
  },
  {
    command: "open [file]",
    describe: "Verify (and decrypt) a sealed M2M frame; exit 1 when authentication fails",
    load: async () => (await import("./open.js")).openCommand,
  },
  {
    command: "scan [file]",
    describe:
      "Scan text or a chat-completion request/response for prompt injection, jailbreaks and exfiltration",
    load: async () => (await import("./scan.js")).scanCommand,
  },
];
