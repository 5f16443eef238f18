import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createTestUpstream, resolveProxyConfig, securityScanner, startProxy } from "@m2m/proxy";
import { measure, printCommand, printTable } from "../harness.js";

// `pnpm bench proxy`: direct to the test upstream vs one proxy (scanning on, monitor and block;
// scanning off) vs two chained proxies, each in its own process on loopback; then peer-link bytes
// for a multi-turn conversation.

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (
  options: Record<string, unknown>,
  cb: (error: Error | null, result: AutocannonResult) => void,
) => unknown;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The proxy build to measure (override to compare another build of @m2m/proxy against this one). */
const proxyDist = process.env.M2M_BENCH_PROXY_DIST ?? path.join(repoRoot, "packages/proxy/dist");
/** Seconds of load per round; each path gets LOAD_ROUNDS rounds, alternating between paths. */
const DURATION_S = Number(process.env.M2M_BENCH_PROXY_SECONDS ?? 3);
const LOAD_ROUNDS = 3;
const CONNECTIONS = 16;
const SEQUENTIAL = 1500;
/** Sequential runs are split into rounds that alternate between paths, so drift in the machine's load hits every path alike. */
const SEQUENTIAL_ROUNDS = 3;
/**
 * Fixed moderate rate (requests/s) for the paced run: meant to be below what every path sustains
 * here even when the machine is busy (two chained proxies managed 280–900 req/s), so its latency
 * is per-request cost rather than queueing. A row that could not keep up is marked in the table.
 */
const RATE = Number(process.env.M2M_BENCH_PROXY_RATE ?? 250);
/** Seconds per paced round; RATE_ROUNDS rounds per path, alternating between paths. */
const RATE_SECONDS = 2;
const RATE_ROUNDS = 2;
/**
 * The floor of this design, measured in every run: a bare node:http server handing requests to an
 * undici Pool (the proxy's own two building blocks) with no parsing, scanning, metrics or limits.
 * Run as `node -e BARE_FORWARDER <undici entry> <upstream URL>`.
 */
const BARE_FORWARDER = `
const http = require("node:http");
const { Pool } = require(process.argv[1]);
const up = new URL(process.argv[2]);
const base = up.pathname.replace(/\\/v1$/, "");
const pool = new Pool(up.origin, { connections: 256, pipelining: 1 });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "content-length"]);
const server = http.createServer({ noDelay: true, keepAliveTimeout: 5000 }, (req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const headers = {};
    for (const k in req.headers) if (!HOP.has(k)) headers[k] = req.headers[k];
    headers["content-length"] = String(body.length);
    pool.dispatch({ method: req.method, path: base + req.url, headers, body }, {
      onRequestStart() {},
      onResponseStart(_c, status, h) {
        const out = {};
        for (const k in h) if (!HOP.has(k) || k === "content-length") out[k] = h[k];
        res.writeHead(status, out);
      },
      onResponseData(_c, chunk) { res.write(chunk); },
      onResponseEnd() { res.end(); },
      onResponseError() { if (!res.headersSent) { res.writeHead(502); res.end(); } else res.destroy(); },
    });
  });
});
server.listen(0, "127.0.0.1", () => process.stderr.write("listening on http://127.0.0.1:" + server.address().port + "\\n"));
process.on("SIGTERM", () => process.exit(0));
`;
const BARE_PATH = "bare forwarder (node:http → undici, floor)";

/** The targets for one proxy (2 KB non-streaming, scanning on). */
const TARGET_ADDED_P50_MS = 0.5;
const TARGET_RPS = 5000;

const children: ChildProcess[] = [];

/** URL → pid of the child serving it, to read its CPU time. */
const pids = new Map<string, number>();

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

function spawnAndRead(args: string[], pattern: RegExp, stream: "stdout" | "stderr"): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out starting ${args.join(" ")}`)), 15_000);
    child[stream]!.on("data", (d: Buffer) => {
      text += d.toString();
      const m = text.match(pattern);
      if (m) {
        clearTimeout(timer);
        pids.set(m[1]!, child.pid!);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}: ${text}`)));
  });
}

/** A 2 KB chat request (compact JSON, like SDKs send). */
function twoKbRequest(stream: boolean): string {
  const messages = [
    { role: "system", content: "You are a concise assistant for a travel booking service. Answer politely." },
  ];
  let body = "";
  for (let i = 0; ; i++) {
    messages.push({
      role: i % 2 === 0 ? "user" : "assistant",
      content: `Turn ${i}: I would like to change my flight from Boston to Seattle on the ${10 + i}th, economy, one checked bag.`,
    });
    body = JSON.stringify({ model: "gpt-4o-mini", messages, temperature: 0, stream });
    if (body.length >= 2000) break;
  }
  return body;
}

function load(url: string, body: string): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/chat/completions`,
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer bench" },
        body,
        connections: CONNECTIONS,
        duration: DURATION_S,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Options of a JSON POST of `body` to `target` through `agent`. */
function chatPost(target: URL, agent: http.Agent, body: string): http.RequestOptions {
  return {
    hostname: target.hostname,
    port: target.port,
    path: target.pathname,
    method: "POST",
    agent,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
  };
}

/** Sequential requests on one keep-alive connection (after 200 warm-up): each one's milliseconds. */
async function sequential(url: string, body: string, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(`${url}/v1/chat/completions`);
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(chatPost(target, agent, body), (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(performance.now() - t0)
            : reject(new Error(`status ${res.statusCode}`)),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  for (let i = 0; i < 200; i++) await one();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await one());
  agent.destroy();
  return times;
}

/**
 * Requests sent at a fixed rate, whether or not earlier ones have been answered (open loop), over
 * at most CONNECTIONS keep-alive connections; a 1 ms timer paces them. Each request's time runs
 * from the moment it was handed to node:http (a request waiting for a free connection counts that
 * wait). The first half second is warm-up and not counted.
 */
async function paced(
  url: string,
  body: string,
  rate: number,
  seconds: number,
): Promise<{ times: number[]; failed: number; achievedRate: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(`${url}/v1/chat/completions`);
  const warmup = Math.round(rate / 2);
  const total = warmup + Math.round(rate * seconds);
  const times: number[] = [];
  let failed = 0;
  let done = 0;
  let countedFrom = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const finish = (index: number, t0: number, ok: boolean) => {
      if (index >= warmup) {
        if (ok) times.push(performance.now() - t0);
        else failed++;
      }
      if (++done === total) resolve();
    };
    const fire = (index: number) => {
      if (index === warmup) countedFrom = performance.now();
      const t0 = performance.now();
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        finish(index, t0, ok);
      };
      const req = http.request(chatPost(target, agent, body), (res) => {
        res.resume();
        res.on("end", () => settle(res.statusCode === 200));
        res.on("error", () => settle(false));
      });
      req.on("error", () => settle(false));
      req.end(body);
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
      while (sent < due) fire(sent++);
      if (sent === total) clearInterval(timer);
    }, 1);
  });
  const elapsed = (performance.now() - countedFrom) / 1000;
  agent.destroy();
  return { times, failed, achievedRate: times.length / elapsed };
}

function percentiles(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: sorted[Math.floor(sorted.length / 2)]!,
    p99: sorted[Math.floor(sorted.length * 0.99)]!,
  };
}

interface Row {
  path: string;
  request: string;
  /** Median of the rounds' req/s. */
  rps: number;
  /** Each round's req/s. */
  rpsRounds: number[];
  p50ms: number;
  p99ms: number;
  /** p50ms minus direct's p50ms (same run, same request); null on the direct row. */
  addedP50ms: number | null;
  seqP50ms: number;
  seqP99ms: number;
  /** seqP50ms minus direct's seqP50ms (same run, same request); null on the direct row. */
  seqAddedP50ms: number | null;
  /** Paced run at a fixed rate: p50 / p99 ms, requests/s answered, failures. */
  rateP50ms: number;
  rateP99ms: number;
  /** rateP50ms minus direct's rateP50ms (same run, same request); null on the direct row. */
  rateAddedP50ms: number | null;
  rateAchieved: number;
  rateErrors: number;
  errors: number;
  /** CPU ms per request spent by the proxy process(es) of this path (the upstream for "direct"), under load. */
  cpuMsPerRequest: number | null;
  /** CPU ms per request of the test upstream during the same load run. */
  upstreamCpuMsPerRequest: number | null;
  /** CPU ms per request of the load generator (this process) during the same load run. */
  loadgenCpuMsPerRequest: number;
}

/** A recorded multi-turn conversation from the corpus, replayed as the growing requests a client sends. */
function conversation(): { source: string; turns: Array<{ request: unknown; reply: string }> } {
  const dir = path.resolve(repoRoot, "../shared/corpus/chat/requests");
  if (!existsSync(dir)) {
    console.log(`corpus not found at ${dir}: using a built-in synthetic conversation instead`);
    const messages: Array<{ role: string; content: string }> = [
      { role: "system", content: "You are a helpful airline agent." },
    ];
    const turns: Array<{ request: unknown; reply: string }> = [];
    for (let i = 0; i < 12; i++) {
      messages.push({
        role: "user",
        content: `Request ${i}: please check reservation ABC${100 + i} and tell me the baggage allowance.`,
      });
      turns.push({
        request: { model: "gpt-4o", messages: [...messages] },
        reply: `Reservation ABC${100 + i} allows ${i % 3} checked bags.`,
      });
      messages.push({ role: "assistant", content: turns.at(-1)!.reply });
    }
    return { source: "synthetic", turns };
  }
  // The longest tau-bench conversation: system policy, tools, user turns, tool calls and results.
  const files = readdirSync(dir).filter((f) => f.startsWith("taubench-"));
  let best = "";
  let bestSize = 0;
  for (const f of files) {
    const size = readFileSync(path.join(dir, f)).length;
    if (size > bestSize) [best, bestSize] = [f, size];
  }
  const full = JSON.parse(readFileSync(path.join(dir, best), "utf8")) as {
    messages: Array<{ role: string; content: unknown; tool_calls?: unknown }>;
  };
  const turns: Array<{ request: unknown; reply: string }> = [];
  for (let k = 1; k < full.messages.length; k++) {
    const m = full.messages[k]!;
    if (m.role !== "assistant") continue;
    const reply =
      typeof m.content === "string" && m.content !== "" ? m.content : JSON.stringify(m.tool_calls ?? "");
    turns.push({ request: { ...full, messages: full.messages.slice(0, k) }, reply: reply.slice(0, 4000) });
  }
  return { source: `corpus chat/requests/${best}`, turns };
}

async function peerBytes(): Promise<Record<string, number | string>> {
  const { source, turns } = conversation();
  const upstream = await createTestUpstream({ record: false });
  const far = await startProxy(resolveProxyConfig({ flags: { upstream: upstream.url, port: 0 } }));
  const near = await startProxy(
    resolveProxyConfig({ flags: { upstream: upstream.url, port: 0, peer: far.url } }),
  );
  let plainRequest = 0;
  let plainResponse = 0;
  let gzipBytes = 0;
  for (const turn of turns) {
    const body = JSON.stringify(turn.request);
    const res = await fetch(`${near.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer bench",
        "x-test-reply": encodeURIComponent(turn.reply),
      },
      body,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`turn failed: ${res.status}`);
    plainRequest += Buffer.byteLength(body);
    plainResponse += Buffer.byteLength(text);
    gzipBytes += gzipSync(body).length + gzipSync(text).length;
  }
  const wire = near.metrics.peerWireBytes;
  const result = {
    source,
    turns: turns.length,
    plainJsonBytes: plainRequest + plainResponse,
    plainRequestBytes: plainRequest,
    gzipPerMessageBytes: gzipBytes,
    peerLinkBytes: wire,
    ratioVsPlain: +((plainRequest + plainResponse) / wire).toFixed(2),
    ratioGzipVsPlain: +((plainRequest + plainResponse) / gzipBytes).toFixed(2),
    deltaFallbacks: near.metrics.deltaFallbacks,
    codec: "@m2m/codec: DeltaEncoder per conversation for requests, dict frames for responses",
  };
  await near.close();
  await far.close();
  await upstream.close();
  return result;
}

function svg(rows: Row[]): string {
  const width = 820;
  const barH = 18;
  const max = Math.max(...rows.map((r) => r.rps));
  const lines = rows.map((r, i) => {
    const w = Math.round((r.rps / max) * 360);
    const y = 30 + i * (barH + 8);
    return `<text x="8" y="${y + 13}" font-size="12">${r.path} · ${r.request}</text><rect x="340" y="${y}" width="${w}" height="${barH}" fill="#4a7"/><text x="${345 + w}" y="${y + 13}" font-size="12">${Math.round(r.rps)} req/s</text>`;
  });
  const height = 40 + rows.length * (barH + 8);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="8" y="18" font-size="13" font-weight="bold">pnpm bench proxy: requests/s (${CONNECTIONS} connections, median of ${LOAD_ROUNDS} × ${DURATION_S} s, loopback, shared 2-core machine)</text>${lines.join("")}</svg>\n`;
}

/** Median in-process time of one request scan (the proxy's adapter over @m2m/security). */
function scanCostMs(body: string): number {
  const scanner = securityScanner("monitor");
  const parsed = JSON.parse(body) as unknown;
  return measure("scan", () => scanner.scanRequest(parsed), { minTimeMs: 500 }).medianNs / 1e6;
}

/** What each number in docs/bench/proxy.json means (written into the file beside them). */
const MEANING: Record<string, string> = {
  path: `direct = straight to the test upstream; "${BARE_PATH}" = a bare node:http server handing requests to an undici Pool with no parsing, scanning, metrics or limits (the floor of this design, not a product); one proxy = the real proxy with the named policy; two chained = near proxy --peer far proxy, M2M frames between them`,
  rps: "saturated: requests/s of the median of the load rounds (autocannon, 16 connections, pipelining 1, as fast as answers come); every process on the path competes for the 2 shared cores",
  rpsRounds: "saturated: requests/s of each load round",
  p50ms:
    "saturated: p50 latency (ms, 1 ms resolution) of the median load round; mostly queueing at 16 connections",
  p99ms: "saturated: p99 latency (ms, 1 ms resolution) of the median load round",
  addedP50ms:
    "saturated: p50ms minus the direct row's p50ms for the same request in this run (1 ms resolution)",
  seqP50ms:
    "concurrency 1: p50 ms of sequential requests on one keep-alive connection (rounds alternating between paths)",
  seqP99ms: "concurrency 1: p99 ms of the same",
  seqAddedP50ms:
    "concurrency 1: seqP50ms minus the direct row's seqP50ms in this run — the latency the proxy adds to one request",
  rateP50ms:
    "fixed moderate rate: p50 ms of requests paced open-loop at `rate` req/s (below every path's capacity) over up to 16 connections",
  rateP99ms: "fixed moderate rate: p99 ms of the same",
  rateAddedP50ms: "fixed moderate rate: rateP50ms minus the direct row's rateP50ms in this run",
  rateAchieved:
    "fixed moderate rate: answered requests/s of the slowest paced round (should be close to `rate`)",
  rateErrors: "fixed moderate rate: failed or non-200 requests",
  errors: "saturated: errors + non-2xx + timeouts over all load rounds",
  cpuMsPerRequest:
    "user+system CPU ms per completed request of this path's proxy process(es) during the load rounds (/proc); null for direct",
  upstreamCpuMsPerRequest: "the same for the test upstream process during this path's load rounds",
  loadgenCpuMsPerRequest:
    "the same for the load generator (this bench process, process.cpuUsage) during this path's load rounds",
  targets:
    "the issue's targets for one proxy (added p50 ≤ 0.5 ms, ≥ 5,000 req/s) against this run's figures, with the CPU arithmetic",
};

interface CpuBudget {
  path: string;
  addedP50TargetMs: number;
  seqAddedP50ms: number | null;
  rateAddedP50ms: number | null;
  saturatedAddedP50ms: number | null;
  rpsTarget: number;
  rps: number;
  proxyCpuMsPerRequest: number | null;
  upstreamCpuMsPerRequest: number | null;
  loadgenCpuMsPerRequest: number;
  /** CPU ms per request of the bare node:http → undici forwarder (no parsing or scanning) in this run. */
  floorCpuMsPerRequest: number | null;
  /** 1000 / proxy CPU ms per request: one Node process is one core. */
  singleProcessCeilingRps: number | null;
  /** 2000 / (proxy + upstream + load generator CPU ms per request): all three on 2 idle cores. */
  machineCeilingRps: number | null;
  /** CPU ms per request the three processes may spend together for the target on 2 cores. */
  cpuMsPerRequestAllowed: number;
  note: string;
}

/** The one-proxy targets against what this run measured, with the CPU arithmetic behind the ceiling. */
function cpuBudget(rows: Row[]): CpuBudget {
  const row = rows.find(
    (r) => r.request === "2 KB non-streaming" && r.path.startsWith("one proxy (scan on, monitor"),
  )!;
  const floor =
    rows.find((r) => r.request === "2 KB non-streaming" && r.path === BARE_PATH)?.cpuMsPerRequest ?? null;
  const proxy = row.cpuMsPerRequest;
  const upstream = row.upstreamCpuMsPerRequest;
  const loadgen = row.loadgenCpuMsPerRequest;
  const allowed = (os.cpus().length * 1000) / TARGET_RPS;
  const single = proxy === null ? null : 1000 / proxy;
  const machine =
    proxy === null || upstream === null ? null : (os.cpus().length * 1000) / (proxy + upstream + loadgen);
  const f = (v: number | null, d = 3) => (v === null ? "n/a" : v.toFixed(d));
  const note =
    `added p50 ${f(row.seqAddedP50ms)} ms at concurrency 1, ${f(row.rateAddedP50ms)} ms at ${RATE} req/s, ${f(row.addedP50ms, 0)} ms saturated (target ≤ ${TARGET_ADDED_P50_MS}); ` +
    `${row.rps.toFixed(0)} req/s saturated (target ≥ ${TARGET_RPS}). CPU per request: proxy ${f(proxy)} + upstream ${f(upstream)} + load generator ${f(loadgen)} = ${f(proxy === null || upstream === null ? null : proxy + upstream + loadgen)} ms; ` +
    `${TARGET_RPS} req/s on ${os.cpus().length} cores allows ${allowed.toFixed(3)} ms for all three together, and one proxy process (one core) tops out at 1000 / ${f(proxy)} = ${f(single, 0)} req/s, ` +
    `all three at ${os.cpus().length * 1000} / ${f(proxy === null || upstream === null ? null : proxy + upstream + loadgen)} = ${f(machine, 0)} req/s even with the machine to themselves (at this run's CPU per request, which contention inflates). ` +
    `The bare node:http → undici forwarder, the floor of this design, used ${f(floor)} CPU ms per request in the same run (1000 / ${f(floor)} = ${f(floor === null ? null : 1000 / floor, 0)} req/s on one core)`;
  return {
    path: row.path,
    addedP50TargetMs: TARGET_ADDED_P50_MS,
    seqAddedP50ms: row.seqAddedP50ms,
    rateAddedP50ms: row.rateAddedP50ms,
    saturatedAddedP50ms: row.addedP50ms,
    rpsTarget: TARGET_RPS,
    rps: row.rps,
    proxyCpuMsPerRequest: proxy,
    upstreamCpuMsPerRequest: upstream,
    loadgenCpuMsPerRequest: loadgen,
    floorCpuMsPerRequest: floor,
    singleProcessCeilingRps: single === null ? null : Math.round(single),
    machineCeilingRps: machine === null ? null : Math.round(machine),
    cpuMsPerRequestAllowed: allowed,
    note,
  };
}

/** Run the suite. */
export async function run(): Promise<void> {
  printCommand("proxy");
  const loadAverageStart = os.loadavg().map((l) => +l.toFixed(2));
  console.log(`load average at start: ${loadAverageStart.join(" ")} (${os.cpus().length} CPUs)`);
  if (!existsSync(path.join(proxyDist, "bin.js"))) throw new Error("build @m2m/proxy first");
  try {
    const upstream = await spawnAndRead(
      [path.join(proxyDist, "test-upstream-main.js")],
      /(http:\/\/\S+)/,
      "stdout",
    );
    const base = upstream.replace(/\/v1$/, "");
    const listening = /listening on (http:\/\/\S+)/;
    const proxyArgs = (...extra: string[]) => [
      path.join(proxyDist, "bin.js"),
      "--port",
      "0",
      "--upstream",
      upstream,
      ...extra,
    ];
    const one = await spawnAndRead(proxyArgs(), listening, "stderr");
    const blocking = await spawnAndRead(proxyArgs("--policy", "block"), listening, "stderr");
    const noScan = await spawnAndRead(proxyArgs("--no-scan"), listening, "stderr");
    const far = await spawnAndRead(proxyArgs(), listening, "stderr");
    const near = await spawnAndRead(proxyArgs("--peer", far), listening, "stderr");
    const undiciEntry = createRequire(path.join(proxyDist, "index.js")).resolve("undici");
    const bare = await spawnAndRead(["-e", BARE_FORWARDER, undiciEntry, upstream], listening, "stderr");
    const upstreamPid = pids.get(upstream)!;
    const paths: Array<[string, string, number[]]> = [
      ["direct", base, []],
      [BARE_PATH, bare, [pids.get(bare)!]],
      ["one proxy (scan on, monitor)", one, [pids.get(one)!]],
      ["one proxy (scan on, block)", blocking, [pids.get(blocking)!]],
      ["one proxy (scan off)", noScan, [pids.get(noScan)!]],
      ["two chained (--peer)", near, [pids.get(near)!, pids.get(far)!]],
    ];
    const cpuOf = (list: number[]): number | null => {
      let total = 0;
      for (const pid of list) {
        const ms = cpuMs(pid);
        if (ms === null) return null;
        total += ms;
      }
      return total;
    };
    const perRequest = (before: number | null, after: number | null, n: number): number | null =>
      before === null || after === null || n === 0 ? null : (after - before) / n;
    const rows: Row[] = [];
    for (const [request, body] of [
      ["2 KB non-streaming", twoKbRequest(false)],
      ["streaming", twoKbRequest(true)],
    ] as const) {
      // Sequential latency first, in rounds alternating between the paths.
      const times = new Map<string, number[]>(paths.map(([name]) => [name, []]));
      for (let round = 0; round < SEQUENTIAL_ROUNDS; round++)
        for (const [name, url] of paths)
          times.get(name)!.push(...(await sequential(url, body, SEQUENTIAL / SEQUENTIAL_ROUNDS)));
      // Paced at a fixed moderate rate, in rounds alternating between the paths.
      const pacedTimes = new Map<string, number[]>(paths.map(([name]) => [name, []]));
      const pacedStats = new Map<string, { failed: number; achieved: number[] }>(
        paths.map(([name]) => [name, { failed: 0, achieved: [] }]),
      );
      for (let round = 0; round < RATE_ROUNDS; round++)
        for (const [name, url] of paths) {
          const r = await paced(url, body, RATE, RATE_SECONDS);
          pacedTimes.get(name)!.push(...r.times);
          pacedStats.get(name)!.failed += r.failed;
          pacedStats.get(name)!.achieved.push(r.achievedRate);
        }
      // Load in rounds alternating between the paths too: req/s is the median round, CPU is summed
      // over all rounds; latency percentiles are those of the median round.
      interface Round {
        result: AutocannonResult;
        cpu: number | null;
        upstreamCpu: number | null;
        loadgenCpu: number;
      }
      const rounds = new Map<string, Round[]>(paths.map(([name]) => [name, []]));
      for (let round = 0; round < LOAD_ROUNDS; round++) {
        for (const [name, url, cpuPids] of paths) {
          const cpuBefore = cpuOf(cpuPids);
          const upBefore = cpuMs(upstreamPid);
          const genBefore = process.cpuUsage();
          const result = await load(url, body);
          const gen = process.cpuUsage(genBefore);
          const cpuAfter = cpuOf(cpuPids);
          const upAfter = cpuMs(upstreamPid);
          rounds.get(name)!.push({
            result,
            cpu: cpuPids.length === 0 ? null : perRequest(cpuBefore, cpuAfter, 1),
            upstreamCpu: perRequest(upBefore, upAfter, 1),
            loadgenCpu: (gen.user + gen.system) / 1000,
          });
        }
      }
      for (const [name] of paths) {
        const seq = percentiles(times.get(name)!);
        const all = rounds.get(name)!;
        const median = [...all].sort((x, y) => x.result.requests.average - y.result.requests.average)[
          Math.floor(all.length / 2)
        ]!.result;
        const n = all.reduce((sum, x) => sum + x.result.requests.total, 0);
        const sum = (pick: (x: Round) => number | null): number | null => {
          let total = 0;
          for (const x of all) {
            const v = pick(x);
            if (v === null) return null;
            total += v;
          }
          return n === 0 ? null : total / n;
        };
        const rate = percentiles(pacedTimes.get(name)!);
        const rateStats = pacedStats.get(name)!;
        rows.push({
          path: name,
          request,
          rps: median.requests.average,
          rpsRounds: all.map((x) => x.result.requests.average),
          p50ms: median.latency.p50,
          p99ms: median.latency.p99,
          addedP50ms: null,
          seqP50ms: seq.p50,
          seqP99ms: seq.p99,
          seqAddedP50ms: null,
          rateP50ms: rate.p50,
          rateP99ms: rate.p99,
          rateAddedP50ms: null,
          rateAchieved: Math.min(...rateStats.achieved),
          rateErrors: rateStats.failed,
          errors: all.reduce((e, x) => e + x.result.errors + x.result.non2xx + x.result.timeouts, 0),
          cpuMsPerRequest: sum((x) => x.cpu),
          upstreamCpuMsPerRequest: sum((x) => x.upstreamCpu),
          loadgenCpuMsPerRequest: sum((x) => x.loadgenCpu) ?? 0,
        });
      }
    }
    for (const r of rows) {
      if (r.path === "direct") continue;
      const direct = rows.find((d) => d.request === r.request && d.path === "direct")!;
      r.addedP50ms = r.p50ms - direct.p50ms;
      r.seqAddedP50ms = r.seqP50ms - direct.seqP50ms;
      r.rateAddedP50ms = r.rateP50ms - direct.rateP50ms;
    }
    const ms = (v: number | null) => (v === null ? "-" : v.toFixed(3));
    const added = (v: number | null, digits: number) => (v === null ? "-" : `${v.toFixed(digits)} ms`);
    const table: string[][] = [
      [
        "request",
        "path",
        "req/s (min–max)",
        "vs direct",
        "p50 ms",
        "p99 ms",
        "added p50",
        "seq p50 ms",
        "seq p99 ms",
        "added seq p50",
        `@${RATE}/s p50 ms`,
        `@${RATE}/s p99 ms`,
        `added @${RATE}/s p50`,
        "proxy CPU ms/req",
        "upstream CPU",
        "loadgen CPU",
        "errors",
      ],
    ];
    for (const r of rows) {
      const direct = rows.find((d) => d.request === r.request && d.path === "direct")!;
      table.push([
        r.request,
        r.path,
        `${r.rps.toFixed(0)} (${Math.min(...r.rpsRounds).toFixed(0)}–${Math.max(...r.rpsRounds).toFixed(0)})`,
        `${((100 * r.rps) / direct.rps).toFixed(0)}%`,
        String(r.p50ms),
        String(r.p99ms),
        added(r.addedP50ms, 0),
        r.seqP50ms.toFixed(3),
        r.seqP99ms.toFixed(3),
        added(r.seqAddedP50ms, 3),
        // A path that answered under 95% of the rate was saturated: its paced latency is queueing.
        r.rateAchieved < RATE * 0.95 ? `${r.rateP50ms.toFixed(3)} (saturated)` : r.rateP50ms.toFixed(3),
        r.rateP99ms.toFixed(3),
        added(r.rateAddedP50ms, 3),
        ms(r.cpuMsPerRequest),
        ms(r.upstreamCpuMsPerRequest),
        ms(r.loadgenCpuMsPerRequest),
        String(r.errors + r.rateErrors),
      ]);
    }
    console.log(
      `load (saturated): autocannon (in this process, pipelining 1), ${CONNECTIONS} connections, ${LOAD_ROUNDS} rounds of ${DURATION_S} s per row alternating between paths, median round shown (1 ms latency resolution); seq (concurrency 1): ${SEQUENTIAL} sequential keep-alive requests in ${SEQUENTIAL_ROUNDS} rounds alternating between paths, after 200 warm-up each; @${RATE}/s: open-loop paced requests at ${RATE}/s over up to ${CONNECTIONS} keep-alive connections, ${RATE_ROUNDS} rounds of ${RATE_SECONDS} s per row alternating between paths, after 0.5 s warm-up each. "added" = that path's p50 minus direct's p50 of the same kind in this run.`,
    );
    console.log(
      "upstream, proxies and load generator are separate processes sharing this 2-core machine with other work: compare rows, not absolutes",
    );
    console.log(
      "scan on, monitor (the default): the request is scanned while the upstream works on it (the verdict only annotates the answer); block: scanned before anything is forwarded. Responses are scanned before they are relayed in both.\n",
    );
    printTable(table);
    console.log(
      "CPU ms/req: user+system CPU per completed request during the load run, of the proxy process(es) on that path, of the test upstream, and of this process (the load generator), from /proc and process.cpuUsage(). A Node proxy runs on one core, so 1000 / (proxy CPU ms/req) bounds its req/s even on an idle machine; on this 2-core machine the three processes together are bounded by 2000 / (sum of the three).",
    );
    const budget = cpuBudget(rows);
    console.log(`\ntargets (2 KB non-streaming, one proxy, scan on, monitor): ${budget.note}`);
    const scanCost = scanCostMs(twoKbRequest(false));
    console.log(
      `in-process cost of @m2m/security on the 2 KB request (securityScanner("monitor").scanRequest, median): ${scanCost.toFixed(3)} ms`,
    );
    console.log(
      "\npeer-link bytes for a multi-turn conversation (requests + responses between the two proxies):\n",
    );
    const bytes = await peerBytes();
    printTable([
      [
        "conversation",
        "turns",
        "plain JSON B",
        "gzip per message B",
        "peer link B",
        "plain/peer",
        "plain/gzip",
      ],
      [
        String(bytes.source),
        String(bytes.turns),
        String(bytes.plainJsonBytes),
        String(bytes.gzipPerMessageBytes),
        String(bytes.peerLinkBytes),
        `${bytes.ratioVsPlain}x`,
        `${bytes.ratioGzipVsPlain}x`,
      ],
    ]);
    const outDir = path.join(repoRoot, "docs/bench");
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      path.join(outDir, "proxy.json"),
      `${JSON.stringify({ command: "pnpm bench proxy", node: process.version, date: new Date().toISOString(), loadAverageStart, loadAverageEnd: os.loadavg().map((l) => +l.toFixed(2)), cpus: os.cpus().length, connections: CONNECTIONS, durationSeconds: DURATION_S, loadRounds: LOAD_ROUNDS, sequentialRequests: SEQUENTIAL, rate: RATE, rateSeconds: RATE_SECONDS, rateRounds: RATE_ROUNDS, scanRequestMs: +scanCost.toFixed(4), meaning: MEANING, targets: budget, rows, peerBytes: bytes }, null, 2)}\n`,
    );
    writeFileSync(path.join(outDir, "proxy.svg"), svg(rows));
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    console.log("\nwrote docs/bench/proxy.json and docs/bench/proxy.svg");
  } finally {
    for (const c of children) c.kill("SIGTERM");
  }
}
