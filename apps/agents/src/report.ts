import type { DemoSummary } from "./demo.js";

function table(rows: ReadonlyArray<ReadonlyArray<string>>, right: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

const kib = (n: number): string =>
  n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`;

/** The human-readable summary printed by `pnpm demo`. */
export function formatSummary(s: DemoSummary): string {
  const n = s.negotiated;
  const out: string[] = [];
  out.push("M2M agent demo: planner ⇄ worker, one authenticated session over a loopback WebSocket");
  out.push(
    `responder: ${s.llm === "scripted" ? "built-in deterministic script (no LLM)" : "OpenAI-compatible endpoint"}`,
  );
  out.push("");
  out.push("Session");
  out.push(`  url            ${s.url}`);
  out.push(`  session id     ${s.sessionId}`);
  out.push(
    `  handshake      ${s.handshakeMs.toFixed(1)} ms (HELLO/ACCEPT/CONFIRM, ${s.handshakeBytes.sent} B sent, ${s.handshakeBytes.received} B received); TCP+WebSocket connect ${s.connectMs.toFixed(1)} ms (first handshake of a cold process)`,
  );
  out.push(
    `  identity       ${s.peersVerified ? "both static X25519 keys proven and matched the pinned keys" : "NOT VERIFIED"}; ephemeral keys give forward secrecy`,
  );
  out.push("Negotiated");
  out.push(`  version        ${n.version}`);
  out.push(
    `  security       ${n.securityMode}${n.securityMode === "aead" ? " (XChaCha20-Poly1305 per direction, keys bound to the transcript, replay-checked)" : ""}`,
  );
  out.push(`  algorithm      ${n.algorithm} (common: ${n.algorithms.join(", ")})`);
  out.push(
    `  features       ${n.features.join(", ") || "-"}   tokenizer ${n.tokenizer ?? "-"}   dictionaries ${n.dictionaries.join(", ") || "-"}`,
  );
  out.push(
    `  limits         max message ${kib(n.maxMessageBytes)}, idle ${n.idleTimeoutMs / 1000} s, ping every ${n.pingIntervalMs / 1000} s`,
  );
  out.push("");
  const rows: string[][] = [
    ["turn", "direction", "content", "JSON B", "wire B", "wire/JSON", "rtt ms", "scan"],
  ];
  for (const t of s.turns) {
    rows.push([
      t.direction.startsWith("planner") ? String(t.turn) : "",
      t.direction,
      t.content,
      String(t.jsonBytes),
      String(t.wireBytes),
      `${((100 * t.wireBytes) / t.jsonBytes).toFixed(0)}%`,
      t.rttMs === null ? "" : t.rttMs.toFixed(1),
      t.scan === "block" ? "BLOCKED" : t.scan,
    ]);
  }
  rows.push([
    "all",
    "",
    `${s.turns.length} messages`,
    String(s.totals.jsonBytes),
    String(s.totals.wireBytes),
    `${((100 * s.totals.wireBytes) / s.totals.jsonBytes).toFixed(0)}%`,
    "",
    "",
  ]);
  out.push(...table(rows, new Set([3, 4, 5, 6])));
  out.push(
    "  JSON B = compact JSON of the message; wire B = the whole DATA message on the socket (codec + session delta + AEAD + framing).",
  );
  out.push("");
  out.push(`Threats blocked: ${s.blocked.length}`);
  for (const b of s.blocked) {
    const byCategory = new Map<string, number>();
    for (const t of b.threats) byCategory.set(t.category, Math.max(byCategory.get(t.category) ?? 0, t.score));
    const where = [...new Set(b.threats.map((t) => t.path).filter((p) => p !== undefined))].join(", ");
    out.push(
      `  turn ${b.turn}: tool result at ${where || "?"} blocked by the worker's scanner (score ${b.score.toFixed(2)})`,
    );
    out.push(`    ${[...byCategory].map(([c, v]) => `${c} ${v.toFixed(2)}`).join(", ")}`);
    out.push(`    rules: ${[...new Set(b.threats.map((t) => t.rule))].join(", ")}`);
    out.push("    the planner withheld that tool result and the conversation went on without it");
  }
  const rtts = s.turns.flatMap((t) => (t.rttMs === null ? [] : [t.rttMs])).sort((a, b) => a - b);
  const median = rtts[Math.floor(rtts.length / 2)] ?? 0;
  out.push("");
  out.push(
    `Round trips: ${rtts.length} requests, median ${median.toFixed(1)} ms, max ${(rtts[rtts.length - 1] ?? 0).toFixed(1)} ms (includes the worker's scan and responder)`,
  );
  out.push(
    `Bytes: ${s.totals.jsonBytes} as JSON, ${s.totals.wireBytes} on the wire (${(s.totals.jsonBytes / s.totals.wireBytes).toFixed(1)}x smaller)`,
  );
  out.push("");
  out.push("Final answer from the worker:");
  for (const line of s.finalAnswer.split("\n")) out.push(`  ${line}`);
  return out.join("\n");
}
