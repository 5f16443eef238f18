import { generateX25519KeyPair, type X25519KeyPair } from "@m2m/crypto";
import { Session, type SessionEvent, type SessionOptions } from "../src/index.js";

/** A manual clock for timeout tests. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Deliver queued messages both ways until both queues are empty; returns everything delivered. */
export function pump(a: Session, b: Session, maxRounds = 20): Uint8Array[] {
  const delivered: Uint8Array[] = [];
  for (let i = 0; i < maxRounds; i++) {
    const fromA = a.takeOutgoing();
    const fromB = b.takeOutgoing();
    if (fromA.length === 0 && fromB.length === 0) return delivered;
    for (const m of fromA) {
      delivered.push(m);
      b.receive(m);
    }
    for (const m of fromB) {
      delivered.push(m);
      a.receive(m);
    }
  }
  throw new Error("pump did not settle");
}

export interface Pair {
  readonly initiator: Session;
  readonly responder: Session;
  readonly initiatorKeys: X25519KeyPair;
  readonly responderKeys: X25519KeyPair;
}

/** Two sessions, authenticated (each trusting the other's static key) unless `auth` is false. */
export function makePair(
  options: {
    auth?: boolean;
    clock?: () => number;
    initiator?: Partial<SessionOptions>;
    responder?: Partial<SessionOptions>;
  } = {},
): Pair {
  const initiatorKeys = generateX25519KeyPair();
  const responderKeys = generateX25519KeyPair();
  const auth = options.auth ?? true;
  const clock = options.clock ?? Date.now;
  const initiator = new Session({
    role: "initiator",
    clock,
    ...(auth
      ? { identity: { staticKeyPair: initiatorKeys, trustedPeerKeys: [responderKeys.publicKey] } }
      : {}),
    ...options.initiator,
  });
  const responder = new Session({
    role: "responder",
    clock,
    ...(auth
      ? { identity: { staticKeyPair: responderKeys, trustedPeerKeys: [initiatorKeys.publicKey] } }
      : {}),
    ...options.responder,
  });
  return { initiator, responder, initiatorKeys, responderKeys };
}

/** Handshake a pair to established. */
export function establish(pair: Pair): Pair {
  pair.initiator.start();
  pump(pair.initiator, pair.responder);
  return pair;
}

export function eventsOf(s: Session, type: SessionEvent["type"]): SessionEvent[] {
  return s.takeEvents().filter((e) => e.type === type);
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
