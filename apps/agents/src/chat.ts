// OpenAI chat-completion shapes used by the demo (the subset it needs).

export interface ToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

export type ChatMessage =
  | { readonly role: "system" | "user"; readonly content: string }
  | { readonly role: "assistant"; readonly content: string | null; readonly tool_calls?: readonly ToolCall[] }
  | { readonly role: "tool"; readonly tool_call_id: string; readonly content: string };

export interface ToolDefinition {
  readonly type: "function";
  readonly function: { readonly name: string; readonly description: string; readonly parameters: object };
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly temperature?: number;
}

export interface ChatResponse {
  readonly id: string;
  readonly object: "chat.completion";
  readonly created: number;
  readonly model: string;
  readonly choices: ReadonlyArray<{
    readonly index: number;
    readonly message: Extract<ChatMessage, { role: "assistant" }>;
    readonly finish_reason: "stop" | "tool_calls";
  }>;
  readonly usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** The OpenAI-shaped error the worker returns when its scanner blocks a request. */
export interface ChatError {
  readonly error: {
    readonly message: string;
    readonly type: "m2m_blocked";
    readonly code: "content_blocked";
    /** The scanner's overall score (0..1). */
    readonly score: number;
    readonly threats: ReadonlyArray<{ category: string; rule: string; score: number; path?: string }>;
  };
}
