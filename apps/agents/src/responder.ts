import type { ChatMessage, ChatRequest, ChatResponse, ToolCall } from "./chat.js";

/** Something that answers chat-completion requests: the built-in script or a real endpoint. */
export type Responder = (request: ChatRequest) => Promise<ChatResponse>;

function response(
  model: string,
  turn: number,
  message: Extract<ChatMessage, { role: "assistant" }>,
): ChatResponse {
  return {
    id: `chatcmpl-demo-${turn}`,
    object: "chat.completion",
    created: 1_767_225_600 + turn,
    model,
    choices: [{ index: 0, message, finish_reason: message.tool_calls ? "tool_calls" : "stop" }],
  };
}

function call(id: string, name: string, args: object): ToolCall {
  return { id, type: "function", function: { name, arguments: JSON.stringify(args) } };
}

/**
 * A deterministic stand-in for a model: it looks at which tool results the conversation already
 * holds and asks for the next one, then writes the answer. Same input, same output, no network.
 */
export const scriptedResponder: Responder = async (request) => {
  const messages = request.messages;
  const tools = new Set(messages.flatMap((m) => (m.role === "tool" ? [m.tool_call_id] : [])));
  const users = messages.filter((m) => m.role === "user").length;
  const turn = messages.length;
  const model = request.model;
  if (users >= 2) {
    return response(model, turn, {
      role: "assistant",
      content: [
        "Risks for v1.2:",
        "- The retry backoff test still fails: the jitter change may reduce retries under load.",
        "- The CLI help snapshot changed: check the docs before publishing.",
        "- One release-notes source was untrusted and was removed from the context by the scanner.",
      ].join("\n"),
    });
  }
  if (!tools.has("call_tests"))
    return response(model, turn, {
      role: "assistant",
      content: null,
      tool_calls: [call("call_tests", "run_tests", { filter: "all" })],
    });
  if (!tools.has("call_docs"))
    return response(model, turn, {
      role: "assistant",
      content: null,
      tool_calls: [call("call_docs", "search_docs", { query: "release notes v1.2" })],
    });
  if (!tools.has("call_changelog"))
    return response(model, turn, {
      role: "assistant",
      content: null,
      tool_calls: [call("call_changelog", "read_file", { path: "CHANGELOG.md" })],
    });
  return response(model, turn, {
    role: "assistant",
    content: [
      "Draft announcement — v1.2.0:",
      "We are releasing v1.2.0 with faster cold starts (plugins now load lazily), jittered",
      "exponential backoff for HTTP retries, and help output for unknown CLI flags.",
      "Before release: fix the 2 failing tests (retry backoff, CLI help snapshot).",
    ].join("\n"),
  });
};

/**
 * A responder that calls a real OpenAI-compatible endpoint (`POST {baseUrl}/chat/completions`).
 * The API key goes only into the Authorization header and is never printed.
 */
export function openAiResponder(baseUrl: string, apiKey: string, model: string): Responder {
  const url = `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return async (request) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ ...request, model }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) throw new Error(`upstream answered HTTP ${res.status}`);
    return (await res.json()) as ChatResponse;
  };
}
