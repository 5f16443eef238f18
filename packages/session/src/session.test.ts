import { generateX25519KeyPair } from "@m2m/crypto";
import { M2MError } from "@m2m/wire";
import { describe, expect, it } from "vitest";
import { establish, fakeClock, makePair, pump, text, utf8 } from "../test/helpers.js";
import {
  CloseCode,
  decodeMessage,
  encodeMessage,
  MessageType,
  type MessageTypeName,
  RejectCode,
} from "./messages.js";
import { defaultCapabilities } from "./negotiate.js";
import { rawPayloadCodec } from "./payload.js";
import { ACCEPTS, Session, type SessionState } from "./session.js";

const code = (c: string) => expect.objectContaining({ code: c });

describe("handshake and DATA", () => {
  it.each([true, false])("establishes and exchanges DATA both ways (auth=%s)", (auth) => {
    const { initiator, responder } = establish(makePair({ auth }));
    expect(initiator.state).toBe("established");
    expect(responder.state).toBe("established");
    expect(initiator.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(initiator.sessionId).toBe(responder.sessionId);
    expect(initiator.negotiated).toEqual(responder.negotiated);
    expect(initiator.negotiated?.securityMode).toBe(auth ? "aead" : "none");
    for (let i = 0; i < 5; i++) {
      initiator.send(utf8(`question ${i}`));
      responder.send(utf8(`answer ${i}`));
    }
    initiator.takeEvents();
    responder.takeEvents();
    pump(initiator, responder);
    const got = (s: Session) => s.takeEvents().flatMap((e) => (e.type === "data" ? [text(e.payload)] : []));
    expect(got(responder)).toEqual([0, 1, 2, 3, 4].map((i) => `question ${i}`));
    expect(got(initiator)).toEqual([0, 1, 2, 3, 4].map((i) => `answer ${i}`));
  });

  it("encrypts DATA when authenticated: the plaintext is not on the wire", () => {
    const { initiator, responder } = establish(makePair());
    initiator.send(utf8("very secret planning notes"));
    const [wire] = initiator.takeOutgoing();
    expect(new TextDecoder("latin1").decode(wire!)).not.toContain("secret");
    responder.receive(wire!);
  });

  it("exposes the proven peer key and the same channel binding on both sides", () => {
    const pair = establish(makePair());
    expect(pair.initiator.peerStaticKey).toEqual(pair.responderKeys.publicKey);
    expect(pair.responder.peerStaticKey).toEqual(pair.initiatorKeys.publicKey);
    expect(pair.initiator.channelBinding).toEqual(pair.responder.channelBinding);
  });

  it("refuses an initiator the responder does not trust (REJECT AUTH_FAILED)", () => {
    const pair = makePair({
      responder: {
        identity: {
          staticKeyPair: generateX25519KeyPair(),
          trustedPeerKeys: [generateX25519KeyPair().publicKey],
        },
      },
    });
    establish(pair);
    expect(pair.responder.state).toBe("closed");
    expect(pair.initiator.state).toBe("closed");
    const rejected = pair.initiator.takeEvents().find((e) => e.type === "rejected");
    expect(rejected).toMatchObject({ code: RejectCode.AUTH_FAILED });
  });

  it("refuses a responder with a key the initiator does not expect", () => {
    const stranger = generateX25519KeyPair();
    const pair = makePair({
      responder: { identity: { staticKeyPair: stranger } },
    });
    pair.initiator.start();
    pair.responder.receive(pair.initiator.takeOutgoing()[0]!);
    const [accept] = pair.responder.takeOutgoing();
    expect(() => pair.initiator.receive(accept!)).toThrow(code("SESSION_AUTH_FAILED"));
    expect(pair.initiator.state).toBe("closed");
    expect(decodeMessage(pair.initiator.takeOutgoing()[0]!)).toMatchObject({
      type: "CLOSE",
      code: CloseCode.AUTH_FAILED,
    });
  });

  it("refuses an impostor that presents the trusted public key without its private key", () => {
    const pair = makePair();
    // The impostor claims the real responder's public key but holds another private key.
    const impostor = generateX25519KeyPair();
    const fake = new Session({
      role: "responder",
      identity: { staticKeyPair: impostor, trustedPeerKeys: [pair.initiatorKeys.publicKey] },
    });
    pair.initiator.start();
    fake.receive(pair.initiator.takeOutgoing()[0]!);
    const accept = decodeMessage(fake.takeOutgoing()[0]!);
    if (accept.type !== "ACCEPT" || accept.keys === null) throw new Error("expected an authenticated ACCEPT");
    const forged = encodeMessage({
      ...accept,
      keys: { ...accept.keys, static: pair.responderKeys.publicKey },
    });
    expect(() => pair.initiator.receive(forged)).toThrow(code("SESSION_AUTH_FAILED"));
  });

  it("refuses a CONFIRM with a wrong proof", () => {
    const pair = makePair();
    pair.initiator.start();
    pair.responder.receive(pair.initiator.takeOutgoing()[0]!);
    expect(pair.responder.state).toBe("await-confirm");
    expect(() =>
      pair.responder.receive(encodeMessage({ type: "CONFIRM", proof: new Uint8Array(32) })),
    ).toThrow(code("SESSION_AUTH_FAILED"));
    expect(pair.responder.state).toBe("closed");
  });

  it("detects a HELLO tampered in flight (transcript binding)", () => {
    const pair = makePair();
    pair.initiator.start();
    const hello = decodeMessage(pair.initiator.takeOutgoing()[0]!);
    if (hello.type !== "HELLO") throw new Error("expected HELLO");
    // Strip preferred algorithms in flight: the result negotiated by the responder changes.
    const tampered = encodeMessage({
      ...hello,
      capabilities: { ...hello.capabilities, algorithms: ["none"] },
    });
    pair.responder.receive(tampered);
    expect(() => pair.initiator.receive(pair.responder.takeOutgoing()[0]!)).toThrow(M2MError);
    expect(pair.initiator.state).toBe("closed");
  });

  it("detects a HELLO nonce changed in flight even when negotiation is unaffected", () => {
    const pair = makePair();
    pair.initiator.start();
    const hello = decodeMessage(pair.initiator.takeOutgoing()[0]!);
    if (hello.type !== "HELLO") throw new Error("expected HELLO");
    pair.responder.receive(encodeMessage({ ...hello, nonce: new Uint8Array(16) }));
    expect(() => pair.initiator.receive(pair.responder.takeOutgoing()[0]!)).toThrow(
      code("SESSION_AUTH_FAILED"),
    );
  });

  it("refuses a security downgrade: aead stripped from HELLO", () => {
    const both = { capabilities: { securityModes: ["aead", "none"] as ("aead" | "none")[] } };
    const pair = makePair({ initiator: both, responder: both });
    pair.initiator.start();
    const hello = decodeMessage(pair.initiator.takeOutgoing()[0]!);
    if (hello.type !== "HELLO") throw new Error("expected HELLO");
    pair.responder.receive(
      encodeMessage({
        ...hello,
        keys: null,
        capabilities: { ...hello.capabilities, securityModes: ["none"] },
      }),
    );
    expect(pair.responder.state).toBe("established");
    // The responder settled on "none"; the initiator recomputes "aead" from both offers and refuses.
    expect(() => pair.initiator.receive(pair.responder.takeOutgoing()[0]!)).toThrow(
      code("SESSION_NEGOTIATION_MISMATCH"),
    );
    expect(pair.initiator.state).toBe("closed");
  });

  it("a responder that requires aead rejects an unauthenticated initiator (SECURITY_POLICY)", () => {
    const pair = makePair({ initiator: { identity: undefined as never } });
    const initiator = new Session({ role: "initiator" });
    initiator.start();
    pair.responder.receive(initiator.takeOutgoing()[0]!);
    expect(decodeMessage(pair.responder.takeOutgoing()[0]!)).toMatchObject({
      type: "REJECT",
      code: RejectCode.SECURITY_POLICY,
    });
  });

  it.each([
    [{ versions: [2] }, RejectCode.VERSION_MISMATCH],
    [{ algorithms: ["zstd"] }, RejectCode.NO_COMMON_ALGORITHM],
  ])("rejects %j", (caps, expected) => {
    const initiator = new Session({ role: "initiator", capabilities: caps });
    const responder = new Session({ role: "responder" });
    initiator.start();
    pump(initiator, responder);
    expect(initiator.state).toBe("closed");
    expect(initiator.takeEvents()[0]).toMatchObject({ type: "rejected", code: expected });
  });

  it("refuses a replayed DATA message", () => {
    const { initiator, responder } = establish(makePair());
    initiator.send(utf8("once"));
    const [m] = initiator.takeOutgoing();
    responder.receive(m!);
    expect(() => responder.receive(m!)).toThrow(code("SESSION_REPLAY"));
    expect(responder.state).toBe("closed");
  });

  it("refuses reordered DATA messages", () => {
    const { initiator, responder } = establish(makePair());
    initiator.send(utf8("first"));
    initiator.send(utf8("second"));
    const [first, second] = initiator.takeOutgoing();
    expect(first).toBeDefined();
    expect(() => responder.receive(second!)).toThrow(code("SESSION_REPLAY"));
  });

  it("refuses reordered DATA even when the attacker rewrites the sequence number", () => {
    const { initiator, responder } = establish(makePair());
    initiator.send(utf8("first"));
    initiator.send(utf8("second"));
    const [, second] = initiator.takeOutgoing();
    const m = decodeMessage(second!);
    if (m.type !== "DATA") throw new Error("expected DATA");
    expect(() => responder.receive(encodeMessage({ ...m, seq: 0 }))).toThrow(code("SESSION_AUTH_FAILED"));
  });

  it("refuses DATA reflected back to its sender", () => {
    const { initiator } = establish(makePair());
    initiator.send(utf8("hello"));
    const [m] = initiator.takeOutgoing();
    expect(() => initiator.receive(m!)).toThrow(code("SESSION_AUTH_FAILED"));
  });

  it("refuses a flipped ciphertext bit", () => {
    const { initiator, responder } = establish(makePair());
    initiator.send(utf8("payload"));
    const m = initiator.takeOutgoing()[0]!.slice();
    m[m.length - 20]! ^= 1;
    expect(() => responder.receive(m)).toThrow(code("SESSION_AUTH_FAILED"));
  });

  it("enforces the negotiated message size", () => {
    const pair = establish(makePair({ auth: false, responder: { capabilities: { maxMessageBytes: 100 } } }));
    expect(() => pair.initiator.send(new Uint8Array(101))).toThrow(code("SESSION_LIMIT_EXCEEDED"));
    pair.initiator.send(new Uint8Array(100));
    pump(pair.initiator, pair.responder);
  });

  it("graceful CLOSE: both sides end closed with the reason", () => {
    const { initiator, responder } = establish(makePair());
    initiator.takeEvents();
    responder.takeEvents();
    initiator.close(CloseCode.CLIENT_SHUTDOWN, "done");
    expect(initiator.state).toBe("closing");
    pump(initiator, responder);
    expect(initiator.state).toBe("closed");
    expect(responder.state).toBe("closed");
    expect(responder.takeEvents()).toEqual([
      { type: "closed", code: CloseCode.CLIENT_SHUTDOWN, reason: "done", by: "remote" },
    ]);
    expect(initiator.takeEvents()).toEqual([
      { type: "closed", code: CloseCode.NORMAL, reason: "", by: "local" },
    ]);
  });
});

describe("state × message table", () => {
  const samples: Record<MessageTypeName, () => Uint8Array> = {
    HELLO: () => {
      const s = new Session({ role: "initiator" });
      s.start();
      return s.takeOutgoing()[0]!;
    },
    ACCEPT: () =>
      encodeMessage({
        type: "ACCEPT",
        sessionId: new Uint8Array(16),
        capabilities: defaultCapabilities(),
        negotiated: (() => {
          const a = new Session({ role: "initiator" });
          const b = new Session({ role: "responder" });
          a.start();
          pump(a, b);
          return a.negotiated!;
        })(),
        keys: null,
      }),
    REJECT: () => encodeMessage({ type: "REJECT", code: RejectCode.SERVER_BUSY, reason: "busy" }),
    CONFIRM: () => encodeMessage({ type: "CONFIRM", proof: new Uint8Array(32) }),
    DATA: () => encodeMessage({ type: "DATA", seq: 0, body: rawPayloadCodec().encode(utf8("x")) }),
    PING: () => encodeMessage({ type: "PING", nonce: 1 }),
    PONG: () => encodeMessage({ type: "PONG", nonce: 1 }),
    CLOSE: () => encodeMessage({ type: "CLOSE", code: CloseCode.NORMAL, reason: "" }),
  };

  type Maker = () => Session;
  const states: Array<[string, SessionState, "initiator" | "responder", Maker]> = [];
  for (const auth of [false, true]) {
    const label = auth ? "auth" : "plain";
    states.push([label, "idle", "initiator", () => makePair({ auth }).initiator]);
    states.push([
      label,
      "hello-sent",
      "initiator",
      () => {
        const p = makePair({ auth });
        p.initiator.start();
        return p.initiator;
      },
    ]);
    states.push([label, "idle", "responder", () => makePair({ auth }).responder]);
    if (auth)
      states.push([
        label,
        "await-confirm",
        "responder",
        () => {
          const p = makePair({ auth });
          p.initiator.start();
          p.responder.receive(p.initiator.takeOutgoing()[0]!);
          return p.responder;
        },
      ]);
    for (const role of ["initiator", "responder"] as const) {
      states.push([label, "established", role, () => establish(makePair({ auth }))[role]]);
      states.push([
        label,
        "closing",
        role,
        () => {
          const s = establish(makePair({ auth }))[role];
          s.close();
          return s;
        },
      ]);
      states.push([
        label,
        "closed",
        role,
        () => {
          const p = establish(makePair({ auth }));
          p[role].close();
          pump(p.initiator, p.responder);
          return p[role];
        },
      ]);
    }
  }

  const cases = states.flatMap(([label, state, role, make]) =>
    (Object.keys(MessageType) as MessageTypeName[]).map((type) => [label, role, state, type, make] as const),
  );

  it.each(cases)("%s %s in %s receives %s", (_label, role, state, type, make) => {
    const s = make();
    expect(s.state).toBe(state);
    s.takeOutgoing();
    const bytes = samples[type]();
    const accepted = ACCEPTS[role][state].includes(type);
    let error: unknown = null;
    try {
      s.receive(bytes);
    } catch (e) {
      error = e;
    }
    if (accepted) {
      expect(M2MError.isInstance(error) && error.code === "SESSION_UNEXPECTED_MESSAGE").toBe(false);
    } else {
      expect(error).toEqual(code("SESSION_UNEXPECTED_MESSAGE"));
      expect(s.state).toBe(state);
      expect(s.takeOutgoing()).toEqual([]);
    }
  });

  it("covers every reachable (role, state) pair and every message type", () => {
    expect(new Set(cases.map((c) => `${c[1]}/${c[2]}`)).size).toBe(10);
    expect(cases.length).toBeGreaterThan(100);
  });
});

describe("keep-alive and timeouts (fake clock)", () => {
  const caps = { pingIntervalMs: 60_000, idleTimeoutMs: 300_000 };

  it("sends PING after the idle interval and reports the PONG round trip", () => {
    const clock = fakeClock();
    const { initiator, responder } = establish(
      makePair({ clock: clock.now, initiator: { capabilities: caps } }),
    );
    initiator.takeEvents();
    expect(initiator.nextDeadline()).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    initiator.poll();
    expect(initiator.takeOutgoing()).toEqual([]);
    clock.advance(1);
    initiator.poll();
    const [ping] = initiator.takeOutgoing();
    expect(decodeMessage(ping!)).toMatchObject({ type: "PING" });
    clock.advance(25);
    responder.receive(ping!);
    initiator.receive(responder.takeOutgoing()[0]!);
    expect(initiator.takeEvents()).toEqual([{ type: "pong", rttMs: 25 }]);
  });

  it("closes after 3 missed PONGs", () => {
    const clock = fakeClock();
    const { initiator } = establish(makePair({ clock: clock.now, initiator: { capabilities: caps } }));
    initiator.takeEvents();
    clock.advance(60_000);
    initiator.poll();
    expect(initiator.takeOutgoing()).toHaveLength(1);
    for (let missed = 1; missed <= 3; missed++) {
      clock.advance(10_000);
      initiator.poll();
      const out = initiator.takeOutgoing().map((m) => decodeMessage(m).type);
      expect(out).toEqual(missed < 3 ? ["PING"] : ["CLOSE"]);
    }
    expect(initiator.state).toBe("closed");
    expect(initiator.takeEvents()).toEqual([
      { type: "closed", code: CloseCode.KEEPALIVE_TIMEOUT, reason: "peer not answering", by: "local" },
    ]);
  });

  it("closes an idle session (no DATA) at the negotiated idle timeout, even with PONGs flowing", () => {
    const clock = fakeClock();
    const { initiator, responder } = establish(
      makePair({
        clock: clock.now,
        initiator: { capabilities: { pingIntervalMs: 60_000, idleTimeoutMs: 100_000 } },
      }),
    );
    for (let t = 0; t < 10 && initiator.state === "established"; t++) {
      clock.advance(20_000);
      initiator.poll();
      responder.poll();
      pump(initiator, responder);
    }
    expect(initiator.state).toBe("closed");
    expect(responder.state).toBe("closed");
    const closed = responder.takeEvents().find((e) => e.type === "closed");
    expect(closed).toMatchObject({ code: CloseCode.TIMEOUT });
  });

  it("times out a handshake that never completes", () => {
    const clock = fakeClock();
    const s = new Session({ role: "initiator", clock: clock.now });
    s.start();
    clock.advance(29_999);
    s.poll();
    expect(s.state).toBe("hello-sent");
    clock.advance(1);
    s.poll();
    expect(s.state).toBe("closed");
    const r = new Session({ role: "responder", clock: clock.now, timeouts: { handshakeMs: 1000 } });
    clock.advance(1000);
    r.poll();
    expect(r.state).toBe("closed");
  });

  it("forces closed when the peer never answers CLOSE", () => {
    const clock = fakeClock();
    const { initiator } = establish(makePair({ clock: clock.now }));
    initiator.close();
    clock.advance(4_999);
    initiator.poll();
    expect(initiator.state).toBe("closing");
    clock.advance(1);
    initiator.poll();
    expect(initiator.state).toBe("closed");
  });

  it("refuses DATA whose authenticated timestamp is outside the replay window", () => {
    const clockA = fakeClock();
    let offset = 0;
    const clockB = () => clockA.now() + offset;
    const pair = makePair({ initiator: { clock: clockA.now }, responder: { clock: clockB } });
    establish(pair);
    offset = 10 * 60_000;
    pair.initiator.send(utf8("late"));
    expect(() => pair.responder.receive(pair.initiator.takeOutgoing()[0]!)).toThrow(code("SESSION_REPLAY"));
  });
});

describe("configuration", () => {
  it("refuses an identity whose public key does not match its private key", () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    expect(
      () =>
        new Session({
          role: "initiator",
          identity: { staticKeyPair: { privateKey: a.privateKey, publicKey: b.publicKey } },
        }),
    ).toThrow(code("SESSION_INVALID_ARGUMENT"));
  });

  it("refuses aead without an identity, and send() before established", () => {
    expect(() => new Session({ role: "initiator", capabilities: { securityModes: ["aead"] } })).toThrow(
      code("SESSION_INVALID_ARGUMENT"),
    );
    const s = new Session({ role: "initiator" });
    expect(() => s.send(utf8("x"))).toThrow(code("SESSION_INVALID_STATE"));
    expect(() => s.sendPing()).toThrow(code("SESSION_INVALID_STATE"));
  });
});

describe("keep-alive off (request/response servers)", () => {
  it("never sends PING but still closes on idle", () => {
    const clock = fakeClock();
    const { responder } = establish(
      makePair({ clock: clock.now, responder: { timeouts: { keepAlive: false } } }),
    );
    responder.takeEvents();
    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      responder.poll();
      const out = responder.takeOutgoing().map((m) => decodeMessage(m).type);
      expect(out.includes("PING")).toBe(false);
      if (out.includes("CLOSE")) break;
    }
    expect(responder.state).toBe("closing");
  });
});
