#!/usr/bin/env node
// Runs the in-repo OpenAI-compatible test upstream as its own process (benchmarks use it so the
// load generator, the proxy and the upstream do not share one event loop). Prints its URL on stdout.
import { createTestUpstream } from "./test-upstream.js";

const upstream = await createTestUpstream({ record: false });
process.stdout.write(`${upstream.url}\n`);
const stop = () => void upstream.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
