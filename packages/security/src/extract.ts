// Walk chat-completion requests and responses and pull out every piece of text a model reads,
// with its role and JSON path.

import { messageRole } from "@m2m/wire";
import type { Role } from "./types.js";

/** One piece of text to scan. */
export interface Segment {
  readonly text: string;
  readonly role: Role;
  readonly path: string;
  /** Tool *definitions* (descriptions) legitimately instruct the model; third-party rules skip them. */
  readonly definition?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Collects segments, refusing to go past `maxSegments` or `maxDepth`. */
export class SegmentSink {
  readonly segments: Segment[] = [];
  overflow = false;
  readonly maxSegments: number;
  readonly maxDepth: number;
  constructor(maxSegments: number, maxDepth: number) {
    this.maxSegments = maxSegments;
    this.maxDepth = maxDepth;
  }
  add(text: unknown, role: Role, path: string, definition = false): void {
    if (typeof text !== "string" || text.length === 0) return;
    if (this.segments.length >= this.maxSegments) {
      this.overflow = true;
      return;
    }
    this.segments.push(definition ? { text, role, path, definition } : { text, role, path });
  }
}

function addContent(sink: SegmentSink, content: unknown, role: Role, path: string): void {
  if (typeof content === "string") {
    sink.add(content, role, path);
    return;
  }
  if (!Array.isArray(content)) return;
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    if (typeof part === "string") sink.add(part, role, `${path}[${j}]`);
    else if (isObject(part)) {
      // Text parts ("text", "input_text", "output_text"), refusals; images/audio carry no text.
      if (typeof part.text === "string") sink.add(part.text, role, `${path}[${j}].text`);
      else if (isObject(part.text) && typeof part.text.value === "string")
        sink.add(part.text.value, role, `${path}[${j}].text.value`);
      if (typeof part.refusal === "string") sink.add(part.refusal, role, `${path}[${j}].refusal`);
    }
  }
}

function addToolCalls(sink: SegmentSink, calls: unknown, role: Role, path: string): void {
  if (!Array.isArray(calls)) return;
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k];
    if (!isObject(call)) continue;
    const fn = call.function;
    if (isObject(fn) && typeof fn.arguments === "string")
      sink.add(fn.arguments, role, `${path}[${k}].function.arguments`);
  }
}

function addMessage(sink: SegmentSink, message: unknown, path: string, fallbackRole: Role): void {
  if (!isObject(message)) return;
  const role = message.role === undefined ? fallbackRole : messageRole(message);
  addContent(sink, message.content, role, `${path}.content`);
  if (typeof message.refusal === "string") sink.add(message.refusal, role, `${path}.refusal`);
  if (typeof message.reasoning_content === "string")
    sink.add(message.reasoning_content, role, `${path}.reasoning_content`);
  addToolCalls(sink, message.tool_calls, role, `${path}.tool_calls`);
  const legacy = message.function_call;
  if (isObject(legacy) && typeof legacy.arguments === "string")
    sink.add(legacy.arguments, role, `${path}.function_call.arguments`);
}

// Descriptions inside a JSON schema, bounded by depth (the object may be cyclic when passed
// in-memory). Keys such as "$schema" are never scanned: only description/title strings.
function addSchemaText(sink: SegmentSink, node: unknown, path: string, depth: number): void {
  if (depth > sink.maxDepth || sink.overflow) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) addSchemaText(sink, node[i], `${path}[${i}]`, depth + 1);
    return;
  }
  if (!isObject(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if ((key === "description" || key === "title") && typeof value === "string")
      sink.add(value, "tool", `${path}.${key}`, true);
    else if (typeof value === "object" && value !== null)
      addSchemaText(sink, value, `${path}.${key}`, depth + 1);
  }
}

/** Segments of a chat-completion request (also tolerates legacy `prompt` and Responses `input`). */
export function requestSegments(body: Record<string, unknown>, sink: SegmentSink): void {
  if (Array.isArray(body.messages)) {
    const messages = body.messages;
    for (let i = 0; i < messages.length; i++) addMessage(sink, messages[i], `messages[${i}]`, "other");
  }
  if (typeof body.prompt === "string") sink.add(body.prompt, "user", "prompt");
  else if (Array.isArray(body.prompt)) {
    for (let i = 0; i < body.prompt.length; i++) sink.add(body.prompt[i], "user", `prompt[${i}]`);
  }
  if (typeof body.instructions === "string") sink.add(body.instructions, "developer", "instructions");
  if (typeof body.input === "string") sink.add(body.input, "user", "input");
  else if (Array.isArray(body.input)) {
    for (let i = 0; i < body.input.length; i++) {
      const item = body.input[i];
      if (isObject(item) && item.type === "function_call_output" && typeof item.output === "string")
        sink.add(item.output, "tool", `input[${i}].output`);
      else addMessage(sink, item, `input[${i}]`, "user");
    }
  }
  if (Array.isArray(body.tools)) {
    for (let k = 0; k < body.tools.length; k++) {
      const tool = body.tools[k];
      if (!isObject(tool)) continue;
      const fn = isObject(tool.function) ? tool.function : tool;
      const base = isObject(tool.function) ? `tools[${k}].function` : `tools[${k}]`;
      if (typeof fn.description === "string") sink.add(fn.description, "tool", `${base}.description`, true);
      if (isObject(fn.parameters)) addSchemaText(sink, fn.parameters, `${base}.parameters`, 1);
    }
  }
}

/** Segments of a chat-completion response or one streamed chunk. */
export function responseSegments(body: Record<string, unknown>, sink: SegmentSink): void {
  if (!Array.isArray(body.choices)) return;
  const choices = body.choices;
  for (let i = 0; i < choices.length; i++) {
    const choice = choices[i];
    if (!isObject(choice)) continue;
    if (typeof choice.text === "string") sink.add(choice.text, "assistant", `choices[${i}].text`);
    if (isObject(choice.message)) addMessage(sink, choice.message, `choices[${i}].message`, "assistant");
    if (isObject(choice.delta)) addMessage(sink, choice.delta, `choices[${i}].delta`, "assistant");
  }
}
