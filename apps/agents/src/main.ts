// `pnpm demo`: two agents (planner and worker) hold a tool-using conversation over an
// authenticated M2M session on a loopback WebSocket, then print what crossed the wire.
import { runDemo } from "./demo.js";
import { formatSummary } from "./report.js";
import { openAiResponder } from "./responder.js";

const baseUrl = process.env.OPENAI_BASE_URL;
const apiKey = process.env.OPENAI_API_KEY;
const model = process.env.OPENAI_MODEL ?? "gpt-4o-mini";
const responder = baseUrl && apiKey ? openAiResponder(baseUrl, apiKey, model) : undefined;

try {
  const summary = await runDemo({ model, ...(responder ? { responder } : {}) });
  console.log(formatSummary(summary));
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
