import { M2MError } from "@m2m/wire";
import { describe, expect, it } from "vitest";
import { Session } from "../src/index.js";
import { establish, makePair, pump, utf8 } from "./helpers.js";

/** xorshift32: deterministic, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function mutate(next: () => number, seed: Uint8Array): Uint8Array {
  const out = seed.slice(0, seed.length - (next() % 4 === 0 ? next() % Math.max(1, seed.length) : 0));
  const flips = 1 + (next() % 4);
  for (let f = 0; f < flips && out.length > 4; f++) out[4 + (next() % (out.length - 4))] = next() & 0xff;
  return out;
}

describe("Session.receive fuzz: mutated messages give an M2MError, never anything else", () => {
  it("mutated DATA, PING, CLOSE into an established session (1,500 inputs)", () => {
    const next = rng(0x5eed);
    // Real messages from a conversation, to mutate.
    const { initiator, responder } = establish(makePair({ auth: false }));
    const seeds: Uint8Array[] = [];
    for (let i = 0; i < 6; i++) {
      initiator.send(
        utf8(
          JSON.stringify({ model: "m", messages: [{ role: "user", content: `turn ${i} `.repeat(20 + i) }] }),
        ),
      );
      seeds.push(...initiator.takeOutgoing());
    }
    initiator.sendPing();
    initiator.close(5, "bye");
    seeds.push(...initiator.takeOutgoing());
    void responder;
    let target = establish(makePair({ auth: false })).responder;
    let errors = 0;
    for (let i = 0; i < 1_500; i++) {
      if (target.state !== "established") target = establish(makePair({ auth: false })).responder;
      const input = mutate(next, seeds[next() % seeds.length]!);
      try {
        target.receive(input);
      } catch (e) {
        if (!M2MError.isInstance(e)) throw e;
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  }, 120_000);

  it("mutated handshake messages into fresh sessions (5,000 inputs, authenticated)", () => {
    const next = rng(0xbeef);
    const pair = makePair();
    pair.initiator.start();
    const [hello] = pair.initiator.takeOutgoing();
    pair.responder.receive(hello!);
    const [accept] = pair.responder.takeOutgoing();
    for (let i = 0; i < 2_500; i++) {
      const responder = new Session({ role: "responder" });
      try {
        responder.receive(mutate(next, hello!));
      } catch (e) {
        if (!M2MError.isInstance(e)) throw e;
      }
    }
    for (let i = 0; i < 2_500; i++) {
      const initiator = new Session({ role: "initiator" });
      initiator.start();
      try {
        initiator.receive(mutate(next, accept!));
      } catch (e) {
        if (!M2MError.isInstance(e)) throw e;
      }
    }
    pump(pair.initiator, pair.responder);
  }, 120_000);
});
