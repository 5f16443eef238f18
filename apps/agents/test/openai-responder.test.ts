import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../src/chat.js";
import { runDemo } from "../src/demo.js";
import { openAiResponder, scriptedResponder } from "../src/responder.js";

describe("OpenAI-compatible responder", () => {
  it("drives the demo through a local /v1/chat/completions endpoint with a bearer key", async () => {
    const seen: Array<{ path: string | undefined; auth: string | undefined; model: string }> = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
        seen.push({ path: request.url, auth: request.headers.authorization, model: body.model });
        void scriptedResponder(body).then((answer) => {
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
      const summary = await runDemo({ responder: openAiResponder(base, "test-key", "local-model") });
      expect(summary.llm).toBe("openai-compatible");
      expect(summary.blocked).toHaveLength(1);
      // The blocked request never reached the model.
      expect(seen.length).toBe(summary.turns.filter((t) => t.direction === "planner → worker").length - 1);
      expect(seen.every((s) => s.path === "/v1/chat/completions" && s.auth === "Bearer test-key")).toBe(true);
      expect(seen.every((s) => s.model === "local-model")).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
