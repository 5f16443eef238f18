import type { IncomingMessage } from "node:http";
import zlib from "node:zlib";

/** Why a request body was refused; the server maps each to an HTTP status. */
export class BodyError extends Error {
  readonly status: 400 | 408 | 413 | 415;
  readonly code: string;
  constructor(status: 400 | 408 | 413 | 415, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Read a whole request body, refusing (413) once it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limit) {
      reject(
        new BodyError(
          413,
          "body_too_large",
          `request body of ${declared} bytes exceeds the limit of ${limit}`,
        ),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyError(413, "body_too_large", `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => {
      cleanup();
      reject(new BodyError(400, "client_aborted", "client closed the connection during the body"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

type Decompress = (
  buffer: Buffer,
  options: zlib.ZlibOptions | zlib.BrotliOptions,
  callback: (error: Error | null, result: Buffer) => void,
) => void;

/** Node 22.15+ ships zstd in node:zlib; Node 20 does not. Looked up at run time, never assumed. */
const zstdDecompress: Decompress | undefined = (zlib as unknown as { zstdDecompress?: Decompress })
  .zstdDecompress;

const DECODERS: Readonly<Record<string, Decompress | undefined>> = {
  gzip: zlib.gunzip as Decompress,
  "x-gzip": zlib.gunzip as Decompress,
  deflate: zlib.inflate as Decompress,
  br: zlib.brotliDecompress as Decompress,
  zstd: zstdDecompress,
};

/** Content-Encoding names this runtime can decode (zstd only where Node has it). */
export const SUPPORTED_ENCODINGS: readonly string[] = Object.keys(DECODERS).filter(
  (k) => DECODERS[k] !== undefined,
);

/**
 * Undo a request's Content-Encoding (possibly a list, applied in order), never producing more than
 * `maxDecodedBytes`: zlib stops at `maxOutputLength`, so a decompression bomb costs at most the limit.
 */
export async function decodeContentEncoding(
  body: Buffer,
  header: string | undefined,
  maxDecodedBytes: number,
): Promise<Buffer> {
  if (header === undefined) return body;
  const codings = header
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "" && s !== "identity");
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    const decode = DECODERS[coding];
    if (decode === undefined) {
      throw new BodyError(
        415,
        "unsupported_content_encoding",
        `Content-Encoding "${coding}" is not supported here (supported: ${SUPPORTED_ENCODINGS.join(", ")})`,
      );
    }
    out = await new Promise<Buffer>((resolve, reject) => {
      decode(out, { maxOutputLength: maxDecodedBytes }, (error, result) => {
        if (!error) resolve(result);
        else if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
          reject(
            new BodyError(
              413,
              "body_too_large",
              `decoded request body exceeds the limit of ${maxDecodedBytes} bytes`,
            ),
          );
        else reject(new BodyError(400, "bad_content_encoding", `request body is not valid ${coding}`));
      });
    });
  }
  return out;
}
