/** Upstream latency histogram bucket bounds, in seconds. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

class Histogram {
  readonly counts: number[] = new Array(LATENCY_BUCKETS.length).fill(0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]!) {
        this.counts[i]!++;
        break;
      }
    }
  }
}

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/**
 * The proxy's counters, rendered in the Prometheus text exposition format (version 0.0.4) by
 * {@link ProxyMetrics.render}. Label values come from small fixed sets (route names, status codes,
 * threat categories) so the series count stays bounded.
 *
 * @example
 * const metrics = new ProxyMetrics();
 * metrics.request("chat_completions", 200);
 * metrics.render(); // "# HELP m2m_proxy_requests_total ..."
 */
export class ProxyMetrics {
  private readonly requests = new Map<string, number>();
  private readonly blocks = new Map<string, number>();
  private readonly flags = new Map<string, number>();
  private readonly upstreamLatency = new Map<string, Histogram>();
  /** Bytes received from clients (request bodies as received). */
  clientBytesIn = 0;
  /** Bytes sent to clients (response bodies). */
  clientBytesOut = 0;
  /** Bytes sent to the upstream or peer (request bodies as sent). */
  upstreamBytesOut = 0;
  /** Bytes received from the upstream or peer (response bodies as received). */
  upstreamBytesIn = 0;
  /** M2M-framed bytes sent and received on peer links (both directions, both roles). */
  peerWireBytes = 0;
  /** Plain bytes those frames carried. */
  peerPlainBytes = 0;
  /** Peer frames that fell back from a session delta to a full frame. */
  deltaFallbacks = 0;
  /** Clients that went away before their response finished. */
  clientAborts = 0;
  /** Upstream failures by kind. */
  private readonly upstreamErrors = new Map<string, number>();
  /** Requests in flight right now. */
  inFlight = 0;

  /** Count one finished request. */
  request(route: string, status: number | "aborted"): void {
    const key = `${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Count one blocked request or response by threat category. */
  block(category: string, direction: "request" | "response"): void {
    const key = `${category}\u0000${direction}`;
    this.blocks.set(key, (this.blocks.get(key) ?? 0) + 1);
  }

  /** Count one flagged (not blocked) threat by category. */
  flag(category: string, direction: "request" | "response"): void {
    const key = `${category}\u0000${direction}`;
    this.flags.set(key, (this.flags.get(key) ?? 0) + 1);
  }

  /** Count one upstream failure (`connect`, `timeout`, `reset`, …). */
  upstreamError(kind: string): void {
    this.upstreamErrors.set(kind, (this.upstreamErrors.get(kind) ?? 0) + 1);
  }

  /** Record the time from sending a request upstream to its response headers. */
  observeUpstream(route: string, seconds: number): void {
    let h = this.upstreamLatency.get(route);
    if (!h) this.upstreamLatency.set(route, (h = new Histogram()));
    h.observe(seconds);
  }

  /** Render every metric in the Prometheus text format. */
  render(): string {
    const out: string[] = [];
    const head = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    head("m2m_proxy_requests_total", "counter", "Requests answered, by route and HTTP status.");
    for (const [key, n] of this.requests) {
      const [route, status] = key.split("\u0000");
      out.push(`m2m_proxy_requests_total{route="${escapeLabel(route!)}",status="${status}"} ${n}`);
    }
    head("m2m_proxy_requests_in_flight", "gauge", "Requests being handled now.");
    out.push(`m2m_proxy_requests_in_flight ${this.inFlight}`);
    head("m2m_proxy_bytes_total", "counter", "Body bytes by leg and direction (client/upstream, in/out).");
    out.push(`m2m_proxy_bytes_total{leg="client",direction="in"} ${this.clientBytesIn}`);
    out.push(`m2m_proxy_bytes_total{leg="client",direction="out"} ${this.clientBytesOut}`);
    out.push(`m2m_proxy_bytes_total{leg="upstream",direction="out"} ${this.upstreamBytesOut}`);
    out.push(`m2m_proxy_bytes_total{leg="upstream",direction="in"} ${this.upstreamBytesIn}`);
    head("m2m_proxy_peer_wire_bytes_total", "counter", "M2M-framed bytes on peer links (sent and received).");
    out.push(`m2m_proxy_peer_wire_bytes_total ${this.peerWireBytes}`);
    head("m2m_proxy_peer_plain_bytes_total", "counter", "Plain bytes carried by those frames.");
    out.push(`m2m_proxy_peer_plain_bytes_total ${this.peerPlainBytes}`);
    head(
      "m2m_proxy_compression_ratio",
      "gauge",
      "Plain bytes / framed bytes on peer links so far (0 before any).",
    );
    out.push(
      `m2m_proxy_compression_ratio ${this.peerWireBytes === 0 ? 0 : +(this.peerPlainBytes / this.peerWireBytes).toFixed(4)}`,
    );
    head(
      "m2m_proxy_delta_fallbacks_total",
      "counter",
      "Peer requests resent as full frames after a missing delta base.",
    );
    out.push(`m2m_proxy_delta_fallbacks_total ${this.deltaFallbacks}`);
    head(
      "m2m_proxy_blocks_total",
      "counter",
      "Requests or responses blocked, by threat category and direction.",
    );
    for (const [key, n] of this.blocks) {
      const [category, direction] = key.split("\u0000");
      out.push(`m2m_proxy_blocks_total{category="${escapeLabel(category!)}",direction="${direction}"} ${n}`);
    }
    head(
      "m2m_proxy_threats_flagged_total",
      "counter",
      "Threats reported but not blocked, by category and direction.",
    );
    for (const [key, n] of this.flags) {
      const [category, direction] = key.split("\u0000");
      out.push(
        `m2m_proxy_threats_flagged_total{category="${escapeLabel(category!)}",direction="${direction}"} ${n}`,
      );
    }
    head("m2m_proxy_upstream_errors_total", "counter", "Upstream failures by kind.");
    for (const [kind, n] of this.upstreamErrors)
      out.push(`m2m_proxy_upstream_errors_total{kind="${escapeLabel(kind)}"} ${n}`);
    head(
      "m2m_proxy_client_aborts_total",
      "counter",
      "Clients that disconnected before their response finished.",
    );
    out.push(`m2m_proxy_client_aborts_total ${this.clientAborts}`);
    head(
      "m2m_proxy_upstream_latency_seconds",
      "histogram",
      "Time from sending upstream to its response headers, by route.",
    );
    for (const [route, h] of this.upstreamLatency) {
      const label = escapeLabel(route);
      let cumulative = 0;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        cumulative += h.counts[i]!;
        out.push(
          `m2m_proxy_upstream_latency_seconds_bucket{route="${label}",le="${LATENCY_BUCKETS[i]}"} ${cumulative}`,
        );
      }
      out.push(`m2m_proxy_upstream_latency_seconds_bucket{route="${label}",le="+Inf"} ${h.count}`);
      out.push(`m2m_proxy_upstream_latency_seconds_sum{route="${label}"} ${h.sum}`);
      out.push(`m2m_proxy_upstream_latency_seconds_count{route="${label}"} ${h.count}`);
    }
    return `${out.join("\n")}\n`;
  }
}
