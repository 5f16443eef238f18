import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateX25519KeyPair } from "@m2m/crypto";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import {
  acceptSession,
  connectSession,
  HttpSessionEndpoint,
  httpTransport,
  packMessages,
  SESSION_HTTP_HEADER,
  type SessionConnection,
  unpackMessages,
  webSocketTransport,
} from "../src/index.js";
import { text, utf8 } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function identities() {
  const a = generateX25519KeyPair();
  const b = generateX25519KeyPair();
  return {
    client: { staticKeyPair: a, trustedPeerKeys: [b.publicKey] },
    server: { staticKeyPair: b, trustedPeerKeys: [a.publicKey] },
  };
}

async function wsServer(
  onConnection: (conn: SessionConnection) => void,
  server: Parameters<typeof acceptSession>[1],
) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (socket) => onConnection(acceptSession(webSocketTransport(socket), server)));
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

describe("WebSocket adapter on 127.0.0.1", () => {
  it("handshakes with keys and echoes DATA over real sockets", async () => {
    const ids = identities();
    const url = await wsServer(
      (conn) => {
        void (async () => {
          for (;;) {
            const payload = await conn.next().catch(() => null);
            if (payload === null) return;
            conn.send(utf8(`echo:${text(payload)}`));
          }
        })();
      },
      { identity: ids.server },
    );
    const socket = new WebSocket(url);
    cleanups.push(() => socket.terminate());
    const client = connectSession(webSocketTransport(socket), { identity: ids.client });
    const info = await client.established;
    expect(info.negotiated.securityMode).toBe("aead");
    expect(info.peerStaticKey).toEqual(ids.server.staticKeyPair.publicKey);
    for (let i = 0; i < 20; i++) {
      client.send(utf8(`m${i}`));
      expect(text(await client.next())).toBe(`echo:m${i}`);
    }
    const closed = await client.close();
    expect(closed.by).toBe("local");
  });

  it("rejects a client the server does not trust; established rejects", async () => {
    const ids = identities();
    const url = await wsServer(() => undefined, {
      identity: { ...ids.server, trustedPeerKeys: [generateX25519KeyPair().publicKey] },
    });
    const socket = new WebSocket(url);
    cleanups.push(() => socket.terminate());
    const client = connectSession(webSocketTransport(socket), { identity: ids.client });
    await expect(client.established).rejects.toMatchObject({ code: "SESSION_REJECTED" });
    await client.closed;
  });

  it("answers PING with PONG over the socket", async () => {
    const url = await wsServer(() => undefined, {});
    const socket = new WebSocket(url);
    cleanups.push(() => socket.terminate());
    const pongs: number[] = [];
    const client = connectSession(webSocketTransport(socket), {
      onEvent: (e) => {
        if (e.type === "pong") pongs.push(e.rttMs);
      },
    });
    await client.established;
    client.ping();
    await new Promise((r) => setTimeout(r, 200));
    expect(pongs).toHaveLength(1);
    await client.close();
  });
});

describe("WebSocket adapter refuses text", () => {
  it("closes the session when a text message arrives", async () => {
    const raw = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => raw.once("listening", () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => raw.close(() => resolve())));
    raw.on("connection", (socket) => socket.send("not binary"));
    const socket = new WebSocket(`ws://127.0.0.1:${(raw.address() as AddressInfo).port}`);
    cleanups.push(() => socket.terminate());
    const client = connectSession(webSocketTransport(socket), {});
    await expect(client.established).rejects.toBeDefined();
    const closed = await client.closed;
    expect(closed.by).toBe("transport");
  });
});

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function httpServer(endpoint: HttpSessionEndpoint): Promise<string> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const header = request.headers[SESSION_HTTP_HEADER];
      const result = await endpoint.handle(body, typeof header === "string" ? header : null);
      const headers: Record<string, string> = { "content-type": "application/x-m2m-session" };
      if (result.sessionId !== null) headers[SESSION_HTTP_HEADER] = result.sessionId;
      response.writeHead(result.status, headers).end(result.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/m2m/session`;
}

describe("HTTP adapter on 127.0.0.1", () => {
  it("handshakes with keys and round-trips DATA as request/response", async () => {
    const ids = identities();
    const endpoint = new HttpSessionEndpoint({
      session: { identity: ids.server },
      onData: (payload, ctx) => ctx.reply(utf8(`${ctx.sessionId.length}:${text(payload).toUpperCase()}`)),
    });
    const url = await httpServer(endpoint);
    const client = connectSession(httpTransport({ url }), { identity: ids.client });
    const info = await client.established;
    expect(info.negotiated.securityMode).toBe("aead");
    expect(endpoint.size).toBe(1);
    for (const word of ["alpha", "beta", "gamma"]) {
      client.send(utf8(word));
      expect(text(await client.next())).toBe(`36:${word.toUpperCase()}`);
    }
    await client.close();
    expect(endpoint.size).toBe(0);
  });

  it("answers an unknown session id with 404 and a malformed body with 400", async () => {
    const endpoint = new HttpSessionEndpoint({ onData: () => undefined });
    const url = await httpServer(endpoint);
    const unknown = await fetch(url, {
      method: "POST",
      headers: { [SESSION_HTTP_HEADER]: "00000000-0000-0000-0000-000000000000" },
      body: new Uint8Array(packMessages([])),
    });
    expect(unknown.status).toBe(404);
    const malformed = await fetch(url, { method: "POST", body: new Uint8Array([0xff, 0xff, 0xff]) });
    expect(malformed.status).toBe(400);
  });

  it("packs and unpacks message batches", () => {
    const messages = [utf8("a"), new Uint8Array(300), utf8("")];
    expect(unpackMessages(packMessages(messages))).toEqual(messages);
    expect(() => unpackMessages(new Uint8Array([5, 1]))).toThrow(
      expect.objectContaining({ code: "SESSION_BAD_MESSAGE" }),
    );
  });
});
