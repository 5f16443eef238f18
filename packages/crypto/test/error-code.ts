import { M2MError } from "@m2m/wire";

/** The `code` of the M2MError `fn` throws, or "ok" when it returns; any other throwable escapes. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (!M2MError.isInstance(e)) throw e;
    return e.code;
  }
}
