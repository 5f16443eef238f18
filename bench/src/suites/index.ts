/**
 * Benchmark suites by name: `pnpm bench <name>`; `pnpm bench` with no name runs `wire`.
 * Add a suite by adding its file here and one line below.
 */
export const suites: Readonly<Record<string, () => Promise<void>>> = {
  wire: async () => (await import("./wire.js")).run(),
  codec: async () => (await import("./codec.js")).run(),
  security: async () => (await import("./security.js")).run(),
  proxy: async () => (await import("./proxy.js")).run(),
  crypto: async () => (await import("./crypto.js")).run(),
  session: async () => (await import("./session.js")).run(),
};
