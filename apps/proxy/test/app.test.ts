import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestUpstream } from "@m2m/proxy";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("apps/proxy", () => {
  it("starts from flags (with pnpm's leading --), serves a chat completion, and stops on SIGTERM", async () => {
    const upstream = await createTestUpstream();
    const child = spawn(process.execPath, [main, "--", "--port", "0", "--upstream", upstream.url], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      const exit = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
      const deadline = Date.now() + 10_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = err.match(/listening on (http:\/\/\S+)/)?.[1];
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(url).toBeDefined();
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-m2m-model")).toBe("m");
      await res.text();
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await upstream.close();
    }
  });

  it("--help exits 0 and lists the options", async () => {
    const child = spawn(process.execPath, [main, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
    expect(code).toBe(0);
    expect(out).toContain("--upstream");
    expect(out).toContain("M2M_PROXY_POLICY");
  });
});
