import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestUpstream, type TestUpstream } from "@m2m/proxy";
import { afterEach, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const children: ChildProcess[] = [];
let upstream: TestUpstream | null = null;

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await upstream?.close();
  upstream = null;
});

function run(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number> } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(read: () => string, pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = read().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("m2m proxy", () => {
  it("--help documents the flags and their environment variables", async () => {
    const p = run(["proxy", "--help"]);
    expect(await p.exit).toBe(0);
    for (const text of [
      "--upstream",
      "--peer",
      "--policy",
      "--max-body-bytes",
      "M2M_PROXY_UPSTREAM",
      "--config",
    ])
      expect(p.stdout()).toContain(text);
  });

  it("refuses a missing upstream with exit code 2", async () => {
    const p = run(["proxy", "--port", "0"], { M2M_PROXY_UPSTREAM: "" });
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toMatch(/upstream/);
  });

  it("serves OpenAI traffic and stops gracefully on SIGTERM", async () => {
    upstream = await createTestUpstream();
    const p = run(["proxy", "--port", "0", "--policy", "block"], { M2M_PROXY_UPSTREAM: upstream.url });
    const [, url] = await waitFor(p.stderr, /listening on (http:\/\/[^\s]+)/);
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message
        .content,
    ).toContain("test upstream");
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
  });
});
