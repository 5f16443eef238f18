import { M2MError } from "../src/errors.js";

/** The `code` of the M2MError `fn` throws, "NO_ERROR" if it returns, or a marker for any other throwable. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return M2MError.isInstance(e) ? e.code : `NOT_M2M: ${String(e)}`;
  }
  return "NO_ERROR";
}
