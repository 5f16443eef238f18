import { M2MError, WireErrorCode } from "./errors.js";

/** Limits for {@link checkJsonLimits}. */
export interface JsonLimits {
  readonly maxJsonDepth: number;
  readonly maxArrayLength: number;
}

/**
 * One linear pass over JSON text that refuses nesting deeper than `maxJsonDepth` and arrays longer
 * than `maxArrayLength` before anything is parsed, so `JSON.parse` can never overflow the stack or
 * build a huge array from a small, hostile input. It does not validate the JSON otherwise.
 */
export function checkJsonLimits(text: string, limits: JsonLimits): void {
  // counts[d] = elements seen so far in the array open at depth d (or -1 for an object).
  const counts: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    switch (c) {
      case 0x22:
        inString = true;
        break;
      case 0x5b: // [
      case 0x7b: // {
        if (++depth > limits.maxJsonDepth) {
          throw new M2MError(
            WireErrorCode.LIMIT_EXCEEDED,
            `JSON nesting exceeds the limit of ${limits.maxJsonDepth}`,
            {
              details: { limit: "maxJsonDepth", max: limits.maxJsonDepth },
            },
          );
        }
        counts[depth] = c === 0x5b ? 0 : -1;
        if (c === 0x5b) {
          // An array has at least one element once anything but whitespace or "]" follows.
          let j = i + 1;
          while (j < text.length && text.charCodeAt(j) <= 0x20) j++;
          if (text.charCodeAt(j) !== 0x5d) counts[depth] = 1;
        }
        break;
      case 0x5d: // ]
      case 0x7d: // }
        depth--;
        break;
      case 0x2c: // ,
        if (depth > 0 && counts[depth]! >= 0) {
          const n = counts[depth]! + 1;
          if (n > limits.maxArrayLength) {
            throw new M2MError(
              WireErrorCode.LIMIT_EXCEEDED,
              `JSON array exceeds the limit of ${limits.maxArrayLength} elements`,
              {
                details: { limit: "maxArrayLength", max: limits.maxArrayLength },
              },
            );
          }
          counts[depth] = n;
        }
        break;
    }
  }
}

/** `checkJsonLimits` then `JSON.parse`, with syntax errors as `WIRE_BAD_JSON`. */
export function parseJsonLimited(text: string, limits: JsonLimits): unknown {
  checkJsonLimits(text, limits);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new M2MError(WireErrorCode.BAD_JSON, "input is not valid JSON", { cause });
  }
}
