// Score model: per-category logistic combination of rule evidence.
// Weights are fitted on the development corpus by `pnpm bench security --fit` (5-fold, folds by
// source) and pasted here; see docs/bench/security.json for the fit and its held-out numbers.

import { FITTED_MODEL } from "./fitted-model.js";
import type { ScoreModel, ThreatCategory } from "./types.js";

/**
 * Hand-set prior weights: the starting point of the fit, and the value kept for rules the
 * development corpus has too few examples of (encoding tricks, malformed text).
 *
 * @example
 * ```ts
 * createScanner({ model: PRIOR_MODEL }); // ignore the fitted weights
 * ```
 */
export const PRIOR_MODEL: ScoreModel = Object.freeze({
  bias: Object.freeze({
    prompt_injection: -2,
    jailbreak: -2,
    data_exfiltration: -2,
    encoding_attack: -2,
    malformed: -2,
  }),
  weights: Object.freeze({
    "pi.override_prior": 5,
    "pi.forget_everything": 4,
    "pi.override_de": 4,
    "pi.new_instructions": 3,
    "pi.context_override": 2,
    "pi.output_only": 1.5,
    "ex.model_probe": 1.5,
    "pi.override_multilingual": 4,
    "pi.prior_reference": 2,
    "pi.task_request": 1.5,
    "pi.question_to_assistant": 1,
    "pi.unrelated_task": 1.5,
    "pi.style_directive": 1.5,
    "pi.research_task": 1.5,
    "pi.agent_hijack": 3,
    "pi.agent_action": 1.5,
    "pi.delimiter_break": 2,
    "pi.forced_statement": 2.5,
    "pi.memory_wipe": 3,
    "jb.i_want_you_to": 1,
    "jb.prompt_placeholder": 1.5,
    "pi.from_now_on": 2,
    "pi.role_switch": 2,
    "pi.topic_switch": 2,
    "pi.task_pivot": 3,
    "pi.off_topic_task": 1.5,
    "pi.chat_template_token": 4,
    "pi.fake_system_line": 2.5,
    "pi.ai_addressed": 3,
    "pi.addressed_response": 3,
    "pi.modify_response": 3,
    "pi.embed_code": 4,
    "pi.target_user": 2.5,
    "pi.destructive_code": 1,
    "pi.malware_topic": 0.5,
    "jb.do_anything_now": 5,
    "jb.mode_switch": 4,
    "jb.named_mode": 1.5,
    "jb.no_restrictions": 3,
    "jb.no_limits": 1,
    "jb.persona_unrestricted": 3.5,
    "jb.refusal_suppression": 2,
    "jb.stay_in_character": 3,
    "jb.policy_reference": 1.5,
    "jb.ai_identity": 1,
    "jb.act_as": 1.5,
    "jb.persona_frame": 1,
    "jb.permission_grant": 1.5,
    "jb.prefix_injection": 3,
    "jb.identity_denial": 2.5,
    "pi.override_cjk": 4,
    "ex.prompt_extraction_cjk": 4,
    "ex.secret_probe": 2.5,
    "jb.vice_list": 1.5,
    "jb.fiction_frame": 1,
    "jb.token_threat": 2.5,
    "jb.dual_response": 1,
    "ex.prompt_extraction": 4,
    "ex.repeat_above": 3,
    "ex.system_prompt_ref": 1.5,
    "ex.send_data": 4,
    "ex.markdown_image": 4,
    "ex.env_access": 2,
    "ex.credential_file": 2.5,
    "ex.net_send_code": 1.5,
    "ex.local_data_code": 1,
    "enc.decode_and_follow": 4,
    "enc.bidi_override": 4,
    "enc.zero_width_in_word": 3,
    "enc.invisible_text": 2,
    "enc.unicode_tags": 5,
    "enc.homoglyph": 4,
    "enc.encoded_instruction": 5,
    "enc.leetspeak_instruction": 4,
    "enc.spaced_instruction": 4,
    "enc.encoded_blob": 0.5,
    "mal.nul": 4,
    "mal.lone_surrogate": 3,
    "mal.control_chars": 2,
  }),
});

/**
 * The default score model: the prior, overridden by the weights fitted on the development corpus
 * (`pnpm bench security --write-model`).
 *
 * @example
 * ```ts
 * const p = categoryScore(DEFAULT_MODEL, "jailbreak", ["jb.mode_switch"]);
 * ```
 */
export const DEFAULT_MODEL: ScoreModel = Object.freeze({
  bias: Object.freeze({ ...PRIOR_MODEL.bias, ...FITTED_MODEL.bias }),
  weights: Object.freeze({ ...PRIOR_MODEL.weights, ...FITTED_MODEL.weights }),
});

/** Logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Calibrated score of a set of rule hits in one category. */
export function categoryScore(model: ScoreModel, category: ThreatCategory, rules: Iterable<string>): number {
  let z = model.bias[category] ?? -2;
  let any = false;
  for (const id of rules) {
    any = true;
    z += model.weights[id] ?? 0;
  }
  return any ? sigmoid(z) : 0;
}

/** Score of one rule on its own. */
export function ruleScore(model: ScoreModel, category: ThreatCategory, rule: string): number {
  return sigmoid((model.bias[category] ?? -2) + (model.weights[rule] ?? 0));
}
