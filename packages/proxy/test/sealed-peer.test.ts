import { compress } from "@m2m/codec";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { codecPeerCodec } from "../src/codec-adapter.js";
import { FRAME_CONTENT_TYPE } from "../src/peer.js";
import { sealedPeerCodec } from "../src/sealed-codec.js";
import { Fixture } from "./helpers.js";

const fx = new Fixture();
afterEach(() => fx.close());
const KEY = "11".repeat(32);
const OTHER = "22".repeat(32);
const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "sealed hello" }] });
const postFrame = (url: string, frame: Uint8Array) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": FRAME_CONTENT_TYPE },
    body: frame,
  });

describe("sealed peer link (--peer-key)", () => {
  it("two proxies sharing a key serve the official client, streaming and not", async () => {
    const upstream = await fx.upstream();
    const far = await fx.proxy({ upstream: upstream.url, peerKey: KEY });
    const near = await fx.proxy({ upstream: upstream.url, peer: far.url, peerKey: KEY });
    const client = new OpenAI({ baseURL: `${near.url}/v1`, apiKey: "k", maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(r.choices[0]!.message.content).toBe("Hello from the M2M test upstream.");
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello from the M2M test upstream.");
  });

  it("the far proxy refuses unsealed frames, frames sealed with another key, and replays, with one generic 401", async () => {
    const upstream = await fx.upstream();
    const far = await fx.proxy({ upstream: upstream.url, peerKey: KEY });
    const plain = await postFrame(far.url, compress(body));
    const wrong = await postFrame(
      far.url,
      sealedPeerCodec(codecPeerCodec(), { id: "peer", key: Buffer.from(OTHER, "hex") }).encode(
        Buffer.from(body),
      ),
    );
    const good = sealedPeerCodec(codecPeerCodec(), { id: "peer", key: Buffer.from(KEY, "hex") }).encode(
      Buffer.from(body),
    );
    const first = await postFrame(far.url, good);
    const replay = await postFrame(far.url, good);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    for (const r of [plain, wrong, replay]) {
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({
        error: {
          message: "M2M frame authentication failed",
          type: "m2m_proxy_error",
          param: null,
          code: "m2m_frame_auth_failed",
        },
      });
    }
    expect(upstream.requests).toHaveLength(1);
  });

  it("refuses a malformed key at start-up", async () => {
    await expect(fx.proxy({ upstream: "http://127.0.0.1:1/v1", peerKey: "abc" })).rejects.toThrow(/64 hex/);
  });
});
