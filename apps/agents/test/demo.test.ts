import { describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";
import { formatSummary } from "../src/report.js";
import { scriptedResponder } from "../src/responder.js";
import { POISONED_WIKI_PAGE } from "../src/tools.js";

describe("pnpm demo (in-process)", () => {
  it("runs the agent pair end to end and its numbers are sane", async () => {
    const summary = await runDemo({ responder: scriptedResponder });
    // Authenticated, encrypted session with the delta feature.
    expect(summary.peersVerified).toBe(true);
    expect(summary.negotiated.securityMode).toBe("aead");
    expect(summary.negotiated.features).toContain("delta");
    expect(summary.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    // Exactly one turn was blocked, and it is the one whose last message is the poisoned tool result.
    expect(summary.blocked).toHaveLength(1);
    const blocked = summary.blocked[0]!;
    const request = summary.turns.find((t) => t.turn === blocked.turn && t.direction === "planner → worker");
    expect(request?.scan).toBe("block");
    expect(blocked.threats.map((t) => t.category)).toContain("prompt_injection");
    expect(blocked.threats.every((t) => t.path === blocked.threats[0]!.path)).toBe(true);
    // Every other request went through.
    expect(summary.turns.filter((t) => t.scan === "block")).toHaveLength(1);
    // Wire bytes < JSON bytes overall and for every request after the first.
    expect(summary.totals.wireBytes).toBeLessThan(summary.totals.jsonBytes);
    for (const t of summary.turns.filter((x) => x.direction === "planner → worker")) {
      expect(t.wireBytes).toBeGreaterThan(0);
      expect(t.wireBytes).toBeLessThan(t.jsonBytes);
    }
    // The conversation finished with the follow-up answer.
    expect(summary.finalAnswer).toContain("Risks");
    const text = formatSummary(summary);
    expect(text).toContain("Threats blocked: 1");
    // The summary never prints the injected payload itself.
    expect(text).not.toContain("exfil.example");
    expect(POISONED_WIKI_PAGE).toContain("exfil.example");
  });
});
