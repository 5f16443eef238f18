import { describe, expect, it } from "vitest";
import { rawPayloadCodecs } from "../src/index.js";
import { establish, makePair, pump, text, utf8 } from "./helpers.js";

function conversation(turns: number): string[] {
  const messages: Array<{ role: string; content: string }> = [
    { role: "system", content: "You are a careful planner." },
  ];
  const out: string[] = [];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: "user", content: `Step ${i}: list the files touched by change ${i * 7} and why.` });
    out.push(JSON.stringify({ model: "gpt-4o-mini", messages }));
    messages.push({
      role: "assistant",
      content: `Change ${i * 7} touched src/module-${i}.ts to fix the parser.`,
    });
  }
  return out;
}

describe("session payload codec (@m2m/codec)", () => {
  it.each([true, false])("delta makes a growing conversation cheap and exact (auth=%s)", (auth) => {
    const { initiator, responder } = establish(makePair({ auth }));
    expect(initiator.negotiated?.features).toContain("delta");
    const bodies = conversation(12);
    const sizes: number[] = [];
    for (const body of bodies) {
      sizes.push(initiator.send(utf8(body)));
      responder.takeEvents();
      pump(initiator, responder);
      const got = responder.takeEvents().find((e) => e.type === "data");
      expect(got && got.type === "data" && text(got.payload)).toBe(body);
    }
    const last = bodies.length - 1;
    // The last request repeats the whole history; on the wire it costs a fraction of its JSON.
    expect(sizes[last]!).toBeLessThan(utf8(bodies[last]!).length / 4);
  });

  it("negotiated none carries payloads in raw frames", () => {
    const caps = { capabilities: { algorithms: ["none"] } };
    const { initiator, responder } = establish(makePair({ auth: false, initiator: caps }));
    expect(initiator.negotiated?.algorithm).toBe("none");
    initiator.send(utf8("plain"));
    pump(initiator, responder);
    expect(responder.takeEvents().some((e) => e.type === "data" && text(e.payload) === "plain")).toBe(true);
  });

  it("raw payload codecs can be injected", () => {
    const opts = { payloadCodecs: rawPayloadCodecs };
    const { initiator, responder } = establish(makePair({ initiator: opts, responder: opts }));
    const size = initiator.send(utf8("x".repeat(1000)));
    expect(size).toBeGreaterThan(1000);
    pump(initiator, responder);
  });
});
