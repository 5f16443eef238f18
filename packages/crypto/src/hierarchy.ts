import { assertBytes } from "./bytes.js";
import { invalidArgument } from "./errors.js";
import { hkdfSha256 } from "./primitives.js";

/** Version label at the root of every derivation path (the reference's `M2M_KDF_VERSION`). */
export const KDF_VERSION = "m2m/v1";
/** Purposes of {@link KeyHierarchy.purposeKey} (the reference's four). */
export const KeyPurpose = {
  IDENTITY: "identity",
  ENCRYPTION: "encryption",
  AUTHENTICATION: "authentication",
  SESSION: "session",
} as const;
export type KeyPurpose = (typeof KeyPurpose)[keyof typeof KeyPurpose];

/**
 * Segment names that mean something at the agent position of a path. An agent may not be named
 * after them: in the reference, agent "shared" derived exactly the organisation's shared key.
 */
export const RESERVED_AGENT_IDS: readonly string[] = Object.freeze(["shared", "session"]);
const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
const PATH_RE = /^m2m\/v1(?:\/[A-Za-z0-9_:>-]{1,257}){1,6}$/;

/**
 * The single derivation rule of the hierarchy: `HKDF-SHA256(IKM = master, salt = empty,
 * info = UTF-8(path), L = 32)`. Every key of an organisation derives from the master with its
 * full path, so two callers asking for the same path always get the same key (the reference's
 * `AgentKeyContext` chained derivations and disagreed with `KeyHierarchy`).
 *
 * @example deriveKey(master, "m2m/v1/test-org/agent-001") // c87f687f… (seed-protocol §2.10)
 */
export function deriveKey(master: Uint8Array, path: string, length = 32): Uint8Array {
  assertBytes(master, "master", { min: 32, max: 1024 });
  if (typeof path !== "string" || !PATH_RE.test(path)) {
    throw invalidArgument(
      `"path" must look like m2m/v1/ORG[/AGENT[/PURPOSE]] with segments of [A-Za-z0-9_-]`,
    );
  }
  return hkdfSha256(master, undefined, path, length);
}

function checkId(value: string, name: string): string {
  if (typeof value !== "string" || !ID_RE.test(value))
    throw invalidArgument(`"${name}" must be 1-128 characters of [A-Za-z0-9_-]`);
  return value;
}

function checkAgent(value: string, name: string): string {
  checkId(value, name);
  if (RESERVED_AGENT_IDS.includes(value))
    throw invalidArgument(`"${name}" must not be the reserved name "${value}"`);
  return value;
}

/**
 * Keys of one organisation, derived from its master key with the reference paths (spec/crypto.md §6).
 * Hold the master only in the key service; hand each agent only the keys it needs (an agent that
 * held the organisation key could derive every pair's session key, as in the reference).
 *
 * @example
 * const h = new KeyHierarchy(master, "test-org");
 * const { send, receive } = h.directionalSessionKeys("alice", "bob", "sess-001");
 */
export class KeyHierarchy {
  readonly org: string;
  private master: Uint8Array;

  constructor(master: Uint8Array, org: string) {
    assertBytes(master, "master", { min: 32, max: 1024 });
    this.org = checkId(org, "org");
    this.master = master.slice();
  }

  /** `m2m/v1/{org}` */
  orgKey(): Uint8Array {
    return deriveKey(this.master, `${KDF_VERSION}/${this.org}`);
  }

  /** `m2m/v1/{org}/{agent}`; agent ids "shared" and "session" are refused. */
  agentKey(agent: string): Uint8Array {
    return deriveKey(this.master, `${KDF_VERSION}/${this.org}/${checkAgent(agent, "agent")}`);
  }

  /** `m2m/v1/{org}/{agent}/{purpose}`. */
  purposeKey(agent: string, purpose: KeyPurpose): Uint8Array {
    if (!Object.values(KeyPurpose).includes(purpose)) throw invalidArgument(`"purpose" is not a KeyPurpose`);
    return deriveKey(this.master, `${KDF_VERSION}/${this.org}/${checkAgent(agent, "agent")}/${purpose}`);
  }

  /** `m2m/v1/{org}/shared`: the organisation-wide shared key. */
  sharedKey(): Uint8Array {
    return deriveKey(this.master, `${KDF_VERSION}/${this.org}/shared`);
  }

  /**
   * The reference's bidirectional session key, `m2m/v1/{org}/session/{min}:{max}/{sessionId}`
   * (ids sorted byte-wise). Kept for compatibility; prefer {@link directionalSessionKeys}, since one
   * key for both directions lets a frame be reflected back to its sender.
   */
  sessionKey(a: string, b: string, sessionId: string): Uint8Array {
    return deriveKey(this.master, sessionPath(this.org, a, b, sessionId));
  }

  /**
   * One key per direction: `…/session/{min}:{max}/{sessionId}/{from}>{to}`. Each side's `send` is
   * the other side's `receive`.
   */
  directionalSessionKeys(
    self: string,
    peer: string,
    sessionId: string,
  ): { send: Uint8Array; receive: Uint8Array } {
    const base = sessionPath(this.org, self, peer, sessionId);
    return {
      send: deriveKey(this.master, `${base}/${self}>${peer}`),
      receive: deriveKey(this.master, `${base}/${peer}>${self}`),
    };
  }

  /** Wipe the copy of the master key this object holds; later calls throw. */
  destroy(): void {
    this.master.fill(0);
    this.master = new Uint8Array(0);
  }
}

function sessionPath(org: string, a: string, b: string, sessionId: string): string {
  checkAgent(a, "a");
  checkAgent(b, "b");
  checkId(sessionId, "sessionId");
  if (a === b) throw invalidArgument("a session needs two different agents");
  const [low, high] = compareBytes(a, b) < 0 ? [a, b] : [b, a];
  return `${KDF_VERSION}/${org}/session/${low}:${high}/${sessionId}`;
}

/** Byte-wise comparison; ids are ASCII so UTF-16 code units order the same way. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
