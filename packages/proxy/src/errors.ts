/**
 * Error codes raised by `@m2m/proxy` (configuration and start-up). Per-request failures are not
 * thrown: they become OpenAI-shaped HTTP error bodies, whose `code` values are in {@link ProxyHttpCode}.
 *
 * @example
 * try { resolveProxyConfig({ flags: {} }) } catch (e) { if (M2MError.isInstance(e) && e.code === ProxyErrorCode.BAD_CONFIG) … }
 */
export const ProxyErrorCode = {
  /** A flag, environment variable or config-file value is missing or malformed. */
  BAD_CONFIG: "PROXY_BAD_CONFIG",
  /** The upstream could not be reached or answered badly. */
  UPSTREAM_FAILED: "PROXY_UPSTREAM_FAILED",
  /** The listening socket could not be opened. */
  LISTEN_FAILED: "PROXY_LISTEN_FAILED",
} as const;
/** One of the {@link ProxyErrorCode} values. */
export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

/**
 * `error.code` values of the OpenAI-shaped error bodies the proxy answers with itself.
 *
 * @example
 * if (body.error.code === ProxyHttpCode.UPSTREAM_UNAVAILABLE) retryLater();
 */
export const ProxyHttpCode = {
  UPSTREAM_UNAVAILABLE: "upstream_unavailable",
  UPSTREAM_TIMEOUT: "upstream_timeout",
  BODY_TOO_LARGE: "body_too_large",
  UNSUPPORTED_ENCODING: "unsupported_content_encoding",
  BAD_ENCODING: "bad_content_encoding",
  INVALID_JSON: "invalid_json",
  BAD_FRAME: "bad_m2m_frame",
  FRAME_AUTH_FAILED: "m2m_frame_auth_failed",
  UNSCANNABLE_RESPONSE: "unscannable_response",
  DELTA_BASE_MISSING: "delta_base_missing",
  SHUTTING_DOWN: "shutting_down",
} as const;
/** One of the {@link ProxyHttpCode} values. */
export type ProxyHttpCode = (typeof ProxyHttpCode)[keyof typeof ProxyHttpCode];

/** The OpenAI error `type` the proxy uses for its own failures (security blocks use `m2m_security_block`). */
export const PROXY_ERROR_TYPE = "m2m_proxy_error";
/** The OpenAI error `type` of a security block. */
export const SECURITY_BLOCK_TYPE = "m2m_security_block";

/** Serialise an OpenAI-shaped error body. */
export function errorBody(
  message: string,
  type: string,
  code: string | null,
  extra?: Record<string, unknown>,
): string {
  return JSON.stringify({ error: { message, type, param: null, code, ...extra } });
}
