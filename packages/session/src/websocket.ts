import type { MessageTransport, TransportHandlers } from "./connection.js";

/**
 * The part of a WebSocket the adapter uses: satisfied by the browser/Deno/Bun `WebSocket` and by
 * the `ws` package's `WebSocket` on Node.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: object) => void): void;
}

const CONNECTING = 0;
const OPEN = 1;

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/**
 * A {@link MessageTransport} over a WebSocket: one session message per binary WebSocket message.
 * Text messages are a protocol error (the connection is closed). Sends made while the socket is
 * still connecting are queued until it opens.
 *
 * @example
 * const conn = connectSession(webSocketTransport(new WebSocket("ws://127.0.0.1:8080")), { identity });
 */
export function webSocketTransport(socket: WebSocketLike): MessageTransport {
  let pending: Uint8Array[] | null = socket.readyState === CONNECTING ? [] : null;
  let handlers: TransportHandlers | null = null;
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    handlers?.closed(error);
  };
  socket.binaryType = "arraybuffer";
  return {
    start(h: TransportHandlers): void {
      handlers = h;
      socket.addEventListener("open", () => {
        const queued = pending ?? [];
        pending = null;
        for (const m of queued) socket.send(m);
      });
      socket.addEventListener("message", (event: object) => {
        const bytes = toBytes((event as { data?: unknown }).data);
        if (bytes === null) {
          socket.close(1003, "binary messages only");
          end(new Error("text message on a binary session"));
          return;
        }
        h.message(bytes);
      });
      socket.addEventListener("close", () => end());
      socket.addEventListener("error", (event: { error?: unknown }) =>
        end(event.error ?? new Error("WebSocket error")),
      );
    },
    send(message: Uint8Array): void {
      if (pending !== null) pending.push(message);
      else if (socket.readyState === OPEN) socket.send(message);
    },
    close(): void {
      if (socket.readyState === CONNECTING || socket.readyState === OPEN)
        socket.close(1000, "session closed");
      end();
    },
  };
}
