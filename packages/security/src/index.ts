// @m2m/security: scan what the model reads for prompt injection, jailbreaks, exfiltration,
// encoding tricks and malformed input, with a calibrated score and a policy.
export { type DecodedBlob, findEncodedBlobs, rot13 } from "./decode.js";
export { SecurityErrorCode } from "./errors.js";
export type { Segment } from "./extract.js";
export { categoryScore, DEFAULT_MODEL, PRIOR_MODEL, ruleScore, sigmoid } from "./model.js";
export { type Normalized, type NormalizeStats, normalizeText, undoLeet, undoSpacing } from "./normalize.js";
export { DERIVED_RULES, DOCUMENT_RULES, isKnownRule, RULES, type Rule, type RuleScope } from "./rules.js";
export { createScanner, DEFAULT_SCAN_LIMITS } from "./scanner.js";
export {
  type AsyncClassifier,
  type CategoryScores,
  type Classifier,
  type ClassifierEvidence,
  type ClassifierInput,
  type Evidence,
  type PolicyMode,
  type Role,
  type ScanAction,
  type ScanLimits,
  type Scanner,
  type ScannerOptions,
  type ScanResult,
  type ScoreModel,
  type StreamOptions,
  type StreamScanner,
  type SyncClassifier,
  type TextContext,
  THREAT_CATEGORIES,
  type Threat,
  ThreatCategory,
} from "./types.js";
