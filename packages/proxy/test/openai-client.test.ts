import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestUpstream } from "../src/test-upstream.js";
import { Fixture, type RunningProxy } from "./helpers.js";

// The official client, unmodified, against: the upstream directly, one proxy, two chained proxies.
const fx = new Fixture();
let upstream: TestUpstream;
let one: RunningProxy;
let far: RunningProxy;
let near: RunningProxy;

beforeAll(async () => {
  upstream = await fx.upstream();
  one = await fx.proxy({ upstream: upstream.url });
  far = await fx.proxy({ upstream: upstream.url });
  near = await fx.proxy({ upstream: upstream.url, peer: far.url });
});
afterAll(() => fx.close());

const client = (baseURL: string, headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL, apiKey: "sk-test-secret", defaultHeaders: headers, maxRetries: 0, timeout: 10_000 });

const paths = (): Array<[string, string]> => [
  ["direct", upstream.url],
  ["one proxy", `${one.url}/v1`],
  ["two chained proxies", `${near.url}/v1`],
];

describe.each([0, 1, 2])("openai client, path %i", (index) => {
  const base = () => paths()[index]![1];

  it("non-streaming chat completion", async () => {
    const r = await client(base()).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(r.choices[0]!.message.content).toBe("Hello from the M2M test upstream.");
    expect(r.object).toBe("chat.completion");
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("streaming chat completion arrives as the same text, chunk by chunk", async () => {
    const stream = await client(base()).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text).toBe("Hello from the M2M test upstream.");
    expect(chunks).toBeGreaterThan(5);
    expect(usage).toBeGreaterThan(0);
  });

  it("tool calls, streaming and not", async () => {
    const c = client(base(), {
      "x-test-mode": "tools",
      "x-test-reply": encodeURIComponent('{"city":"Paris"}'),
    });
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ];
    const r = await c.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "weather?" }],
      tools,
    });
    expect(r.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      function: { name: "get_weather", arguments: '{"city":"Paris"}' },
    });
    const stream = await c.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "weather?" }],
      tools,
      stream: true,
    });
    let args = "";
    for await (const chunk of stream)
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
  });

  it("completions, embeddings, responses and models", async () => {
    const c = client(base());
    const completion = await c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hello" });
    expect(completion.choices[0]!.text).toBe("Hello from the M2M test upstream.");
    const embedding = await c.embeddings.create({
      model: "text-embedding-3-small",
      input: ["a", "b"],
      encoding_format: "float",
    });
    expect(embedding.data).toHaveLength(2);
    const response = await c.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
    expect(response.output_text).toBe("Hello from the M2M test upstream.");
    const models = await c.models.list();
    expect(models.data.map((m) => m.id)).toContain("test-model");
  });

  it("streamed Responses API events (named events) arrive intact", async () => {
    const stream = await client(base()).responses.create({
      model: "gpt-4o-mini",
      input: "Say hello",
      stream: true,
    });
    let text = "";
    const types = new Set<string>();
    for await (const event of stream) {
      types.add(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toBe("Hello from the M2M test upstream.");
    expect(types.has("response.completed")).toBe(true);
  });

  it("upstream errors reach the client as the OpenAI error they were", async () => {
    const c = client(base(), { "x-test-mode": "fail" });
    await expect(
      c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({ status: 500 });
  });
});

describe("what the upstream sees", () => {
  it("gets the client's Authorization and exact body through both proxy paths, plain JSON", async () => {
    for (const base of [`${one.url}/v1`, `${near.url}/v1`]) {
      const before = upstream.requests.length;
      await client(base).chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "exact bytes ✓" }],
      });
      const seen = upstream.requests.slice(before);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.headers.authorization).toBe("Bearer sk-test-secret");
      expect(seen[0]!.headers["content-type"]).toBe("application/json");
      expect(seen[0]!.path).toBe("/v1/chat/completions");
      expect(JSON.parse(seen[0]!.body.toString("utf8")).messages[0].content).toBe("exact bytes ✓");
    }
  });

  it("the chained path carried M2M frames between the proxies and counted them", async () => {
    const near2 = await fx.proxy({ upstream: upstream.url, peer: far.url });
    await client(`${near2.url}/v1`).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "count me" }],
    });
    expect(near2.metrics.peerWireBytes).toBeGreaterThan(0);
    expect(near2.metrics.peerPlainBytes).toBeGreaterThan(0);
    expect(near2.metrics.render()).toMatch(/m2m_proxy_peer_wire_bytes_total [1-9]/);
  });

  it("routing headers are visible to the client", async () => {
    const res = await fetch(`${one.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "hi there" },
        ],
      }),
    });
    await res.text();
    expect(res.headers.get("x-m2m-model")).toBe("gpt-4o-mini");
    expect(res.headers.get("x-m2m-messages")).toBe("2");
    expect(Number(res.headers.get("x-m2m-tokens"))).toBeGreaterThanOrEqual(0);
  });
});
