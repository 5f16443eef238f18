/**
 * Error codes thrown by `@m2m/security`. The scanner itself never throws on hostile input (it
 * returns a verdict instead); these codes are for caller mistakes and explicit refusals.
 *
 * @example
 * ```ts
 * if (M2MError.isInstance(e) && e.code === SecurityErrorCode.BLOCKED) respond(403);
 * ```
 */
export const SecurityErrorCode = {
  /** An option passed to `createScanner` is out of range or of the wrong type. */
  INVALID_OPTION: "SECURITY_INVALID_OPTION",
  /** A synchronous scan was asked of a scanner whose classifier is asynchronous. */
  CLASSIFIER_ASYNC: "SECURITY_CLASSIFIER_ASYNC",
  /** The classifier failed; the cause is attached. */
  CLASSIFIER_FAILED: "SECURITY_CLASSIFIER_FAILED",
  /** Content was blocked by policy (for callers that turn a verdict into an error). */
  BLOCKED: "SECURITY_BLOCKED",
} as const;

/** Union of {@link SecurityErrorCode} values. */
export type SecurityErrorCode = (typeof SecurityErrorCode)[keyof typeof SecurityErrorCode];
