/**
 * Pulls the text a model wrote out of an SSE byte stream, for incremental scanning. It buffers
 * across network reads (an event split over two TCP chunks is common) but never changes or holds
 * back the bytes the client receives: the relay writes the original chunks.
 */
export class SseTextExtractor {
  private readonly decoder = new TextDecoder("utf-8");
  private pending = "";
  private data: string[] = [];
  /** True once an over-long line was dropped (the scanner then saw an incomplete stream). */
  overflowed = false;

  private readonly maxLineChars: number;
  constructor(maxLineChars: number = 4 * 1024 * 1024) {
    this.maxLineChars = maxLineChars;
  }

  /** Feed one network chunk; returns the assistant text (content, refusal, tool-call arguments) it completed. */
  push(chunk: Uint8Array): string {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let text = "";
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf("\n", start);
      if (nl < 0) break;
      let line = this.pending.slice(start, nl);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      start = nl + 1;
      text += this.line(line);
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > this.maxLineChars) {
      this.pending = "";
      this.overflowed = true;
    }
    return text;
  }

  /** Flush a final event that had no trailing blank line. */
  end(): string {
    const rest = this.pending + this.decoder.decode();
    this.pending = "";
    let text = rest === "" ? "" : this.line(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
    text += this.line("");
    return text;
  }

  /** Responses API: delta text per item, to check each item's final `.done` text against. */
  private readonly itemText = new Map<string, string>();

  /**
   * A `response.*.done` event repeats an item's full text. Scan it only when it differs from the
   * deltas that came before (an upstream could put text in `.done` that no delta carried).
   */
  private responsesDone(payload: string): string | null {
    if (!payload.includes('"type":"response.')) return null;
    let event: { type?: unknown; item_id?: unknown; delta?: unknown; text?: unknown; arguments?: unknown };
    try {
      event = JSON.parse(payload) as typeof event;
    } catch {
      return null;
    }
    if (typeof event.type !== "string") return null;
    const key = `${typeof event.item_id === "string" ? event.item_id : ""}:${event.type.replace(/\.(delta|done)$/, "")}`;
    if (event.type.endsWith(".delta") && typeof event.delta === "string") {
      if (this.itemText.size < 10_000) this.itemText.set(key, (this.itemText.get(key) ?? "") + event.delta);
      return event.delta;
    }
    if (event.type.endsWith(".done")) {
      const full =
        typeof event.text === "string"
          ? event.text
          : typeof event.arguments === "string"
            ? event.arguments
            : "";
      const seen = this.itemText.get(key) ?? "";
      this.itemText.delete(key);
      return full !== "" && full !== seen ? full : "";
    }
    return null;
  }

  private line(line: string): string {
    if (line === "") {
      if (this.data.length === 0) return "";
      const payload = this.data.join("\n");
      this.data = [];
      return this.responsesDone(payload) ?? extractText(payload);
    }
    if (line.startsWith("data:")) this.data.push(line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5));
    return "";
  }
}

/** Assistant-visible text in one SSE `data:` payload (chat, legacy completions and Responses API shapes). */
export function extractText(payload: string): string {
  if (payload === "[DONE]" || payload === "") return "";
  let event: unknown;
  try {
    event = JSON.parse(payload);
  } catch {
    return "";
  }
  if (typeof event !== "object" || event === null) return "";
  const o = event as Record<string, unknown>;
  let text = "";
  if (Array.isArray(o.choices)) {
    for (const choice of o.choices) {
      if (typeof choice !== "object" || choice === null) continue;
      const c = choice as Record<string, unknown>;
      if (typeof c.text === "string") text += c.text;
      const delta = c.delta;
      if (typeof delta !== "object" || delta === null) continue;
      const d = delta as Record<string, unknown>;
      if (typeof d.content === "string") text += d.content;
      if (typeof d.refusal === "string") text += d.refusal;
      if (Array.isArray(d.tool_calls)) {
        for (const call of d.tool_calls) {
          const fn = (call as { function?: { arguments?: unknown } } | null)?.function;
          if (typeof fn?.arguments === "string") text += fn.arguments;
        }
      }
    }
  } else if (typeof o.type === "string" && typeof o.delta === "string") {
    // Responses API: response.output_text.delta, response.function_call_arguments.delta, …
    text += o.delta;
  }
  return text;
}
