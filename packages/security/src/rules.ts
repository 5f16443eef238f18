// Detection rules. Each runs over lower-cased, normalised text. They are written from the
// attack *techniques* (override verbs + a reference to earlier instructions, persona switches,
// refusal suppression, exfiltration sinks), never from sentences of any dataset.
//
// Linear time: every pattern starts at a word boundary on a literal keyword and any gap between
// keywords is a bounded number of whole tokens (`GAP(n)` below), so a match attempt costs
// O(gap) and a scan O(n · gap). No nested unbounded quantifiers.

import type { ThreatCategory } from "./types.js";

/**
 * Which roles a rule applies to.
 * - `instruction`: user, assistant and tool text, not operator (system/developer) text,
 *   which is allowed to instruct the model.
 * - `third_party`: only tool/function results (retrieved content). Phrases such as "in your
 *   reply" are normal from a user but out of place in an email the assistant is reading.
 * - `all`: every role, operator included (encoding tricks, malformed text).
 */
export type RuleScope = "instruction" | "third_party" | "all";

/** One regular-expression rule. */
export interface Rule {
  readonly id: string;
  readonly category: ThreatCategory;
  readonly scope: RuleScope;
  readonly pattern: RegExp;
}

/** Up to `n` whole tokens between two keywords. */
const GAP = (n: number): string => `(?:[\\s,;:"'()*-]+[\\w'’.-]+){0,${n}}?[\\s,;:"'()*-]+`;
const re = (source: string): RegExp => new RegExp(source, "m");

const OVERRIDE_VERBS =
  "ignore|ignoring|disregard|disregarding|forget|forgetting|skip|overlook|neglect|override|overwrite|overriding|abandon|discard|dismiss|drop|bypass|bypassing|circumvent|set aside|throw out|stop following|do not follow|don't follow|no longer follow|cancel|nullify|erase|delete|clear|reset";
const PRIOR_WORDS =
  "previous|previously|prior|above|earlier|preceding|former|foregoing|aforementioned|initial|original|old|existing|system|given|provided|developer|developer's|your|these|those|all|any|every|the|my|its";
const INSTRUCTION_NOUNS =
  "instructions?|prompts?|rules|directions|directives?|guidelines|guidance|commands?|orders|programming|constraints|context|conversation|tasks?|assignments?|training|restrictions|policies|settings|configuration";

const PERSONA_INTRO =
  "you are|you're|you will be|you'll be|you are now|act as|acting as|act like|pretend to be|pretend you are|pretend you're|pretending to be|role-?play as|play the role of|play the part of|simulate|become|behave as|behave like|respond as|answer as|impersonate|embody|take on the (?:role|persona) of|transform into|turn into";
const LAWLESS =
  "unrestricted|unfiltered|uncensored|amoral|immoral|unethical|evil|rogue|jailbroken|liberated|unbound|unbounded|limitless|lawless|unrestrained|unlimited|unshackled|uninhibited|malicious|criminal|villainous|sinister|twisted|depraved|rule-?breaking|no-?limits|filterless";
const LIMIT_NOUNS =
  "restrictions?|limitations?|limits|filters?|filtering|censorship|censoring|guidelines|rules|boundaries|morals?|morality|ethics|principles|constraints|safeguards|guardrails|polic(?:y|ies)|confines|shackles|programming|conscience|scruples";
const MODE_WORDS =
  "developer|dev|god|debug|admin|sudo|root|unrestricted|unfiltered|uncensored|unlocked|jailbreak|jailbroken|evil|chaos|opposite|dark|rogue|unhinged|amoral|dan|freedom|rebel|villain|no-?filter|maximum";
const RESPONSE_NOUNS =
  "response|responses|reply|replies|answer|answers|output|outputs|summary|message|completion|text|result|reply text";
const CODE_NOUNS =
  "code|codebase|implementation|solution|algorithm|program|script|project|application|function|snippet";
const SEND_VERBS =
  "send|sending|post|posting|upload|uploading|forward|forwarding|transmit|transmitting|exfiltrate|exfiltrating|leak|leaking|email|e-mail|mail|copy|share|submit|deliver|sync|beam|relay|report|append|attach|encode|include";
const SECRET_NOUNS =
  "conversation|chat history|chat log|chat logs|conversation history|message history|history|messages|all (?:the )?(?:data|files|information|emails|documents)|(?:the |their |his |her |my )?(?:data|files|contents|credentials|passwords?|keys|tokens|cookies|secrets?)|(?:your |the )?(?:memory|context|instructions|system prompt|prompt)|(?:the )?user(?:'s|s')? (?:data|information|details|credentials|files|messages|emails|personal information|input)|personal (?:data|information|details)|api[ _-]?keys?|passwords?|credentials|secrets?|tokens?|cookies|keystrokes|screenshots?|clipboard(?: contents)?|private keys?|ssh keys?|session (?:data|tokens?|cookies)|environment variables|env vars";
const SINK =
  "https?://|www\\.|[\\w.+-]+@[\\w-]+\\.[a-z]{2,}|(?:the |this |my |our |an? )?(?:following |external |remote |attacker'?s? |third-party )?(?:server|url|address|endpoint|webhook|email address|inbox|domain|link|site|website|ip|host|api)\\b|[\\w-]+\\.(?:com|net|org|io|xyz|ru|cn|tk|top)\\b";

/** The rule table. Order is irrelevant; ids are stable (allowlists and weights refer to them). */
export const RULES: readonly Rule[] = Object.freeze([
  // ---------------------------------------------------------------- prompt injection
  {
    id: "pi.override_prior",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(`\\b(?:${OVERRIDE_VERBS})\\b${GAP(3)}(?:${PRIOR_WORDS})${GAP(2)}(?:${INSTRUCTION_NOUNS})\\b`),
  },
  {
    id: "pi.forget_everything",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `\\b(?:forget|ignore|disregard|erase|discard)\\s+(?:about\\s+)?(?:everything|all|anything|what)\\b(?:\\s+(?:of\\s+)?(?:that|this|the text)?\\s*(?:above|before|previous\\w*|prior|earlier|so far|until now|up to (?:now|here|this point)|(?:you|i|we)(?:'ve|'re| have| were| was| are)?\\s+(?:been\\s+)?(?:told|said|learned|given|instructed|written|discussed|taught|programmed))|\\s*[.!,;:-]|\\s+(?:and|und)\\b)`,
    ),
  },
  {
    id: "pi.override_de",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `\\b(?:ignoriere|ignorieren|ignoriert|vergiss|vergesst|vergessen|missachte|missachten|verwirf)\\b${GAP(4)}(?:anweisungen|anweisung|instruktionen|befehle|vorgaben|regeln|aufgaben|aufgabe|alles|informationen|texte|kontext)\\b`,
    ),
  },
  {
    id: "pi.new_instructions",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `\\b(?:(?:new|updated|revised|real|actual|true|secret|hidden|override|overriding|priority|additional)\\s+(?:system\\s+)?(?:instructions?|directives?|commands?|orders|rules|task|tasks|assignment|objective|mission|prompt)\\s*(?:[:-]|\\b(?:are|is|follow|as follows)\\b)|your\\s+(?:new|real|actual|true|only|next|sole)\\s+(?:task|job|role|goal|purpose|instructions?|objective|mission|assignment)\\s*(?:[:-]|\\b(?:is|are|will be|now)\\b)|\\bneue\\s+(?:aufgabe|anweisung|anweisungen|rolle)\\b)`,
    ),
  },
  {
    id: "pi.from_now_on",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `\\b(?:from now on|from this (?:point|moment)(?: on| forward| onwards?)?|henceforth|starting now|for the rest of (?:this|the) conversation|ab (?:jetzt|sofort)|von nun an)\\b${GAP(3)}(?:you|your|act|respond|answer|reply|only|always|never|pretend|behave|speak|talk|write|will|must|du|sie|bist|antworte|antworten)\\b`,
    ),
  },
  {
    id: "pi.role_switch",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `\\b(?:(?:you are|you're)\\s+(?:now|no longer)\\s+(?:a|an|the|my|called|named|going to be|in|bound|restricted|limited|chatgpt|an? (?:ai|assistant|language model))\\b|now,?\\s+you\\s+(?:are|will be)\\s+(?:a|an|the|my)?\\s*[\\w-]+|(?:du bist|sie sind)\\s+(?:jetzt|nun|ab jetzt)\\b|(?:jetzt|nun)\\s+(?:bist du|sind sie)\\b)`,
    ),
  },
  {
    id: "pi.topic_switch",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `(?:\\b(?:that is|that's|this is|it is)\\s+(?:done|enough|finished|over|complete)|\\b(?:well done|very good|great|perfect|good job|excellent)[.!]+\\s+(?:now|next|but now)\\b|\\b(?:stop|halt|attention|wait)\\s*[!-]{1,3}\\s*(?:stop|now|new|i\\b|forget|ignore)|\\b(?:das ist|das wars|sehr gut|gut gemacht|super)[.!]+\\s+(?:nun|jetzt)\\b|\\bneue aufgabe\\b|\\b(?:okay|ok|alright|good|gut)[.,!]+\\s+(?:now|nun|jetzt)\\s+(?:you|write|forget|ignore|tell|say|schreib\\w*|sag\\w*|vergiss|bist|du))`,
    ),
  },
  {
    id: "pi.chat_template_token",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `(?:<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|end_of_turn|start_of_turn)\\|>|\\[/?inst\\]|<</?sys>>|</?(?:system|sys|instructions?|admin|developer)(?:_prompt)?>|\\bbegin (?:system|admin) (?:prompt|message|instructions?)\\b)`,
    ),
  },
  {
    id: "pi.fake_system_line",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `^[ \\t>*#\\[(-]*(?:system|sys|admin|administrator|developer|root|assistant|ai)(?:[ \\t]+(?:message|prompt|note|override|instruction|instructions|update|alert|notice))?[ \\t]*[\\])*]*[ \\t]*:`,
    ),
  },
  {
    id: "pi.ai_addressed",
    category: "prompt_injection",
    scope: "third_party",
    pattern: re(
      `(?:\\b(?:dear|hey|hi|hello|attention|note to|message (?:to|for)|instructions? (?:to|for)|important (?:note|message) (?:to|for))\\s+(?:the\\s+|any\\s+)?(?:ai|assistant|ai assistant|chatbot|llm|language model|gpt|chatgpt|claude|model|bot|agent|summari[sz]er)\\b|^[ \\t]*(?:ai|assistant|chatbot|llm|gpt|agent)\\s*[,:])`,
    ),
  },
  {
    id: "pi.addressed_response",
    category: "prompt_injection",
    scope: "third_party",
    pattern: re(
      `\\b(?:in|into|to|within|throughout|inside|at the (?:start|end|beginning|bottom|top) of|before|after|with|for|of)\\s+(?:your|each|every|all your|all of your)\\s+(?:(?:next|final|subsequent|following|future|upcoming|entire|whole)\\s+)?(?:${RESPONSE_NOUNS})\\b`,
    ),
  },
  {
    id: "pi.modify_response",
    category: "prompt_injection",
    scope: "third_party",
    pattern: re(
      `\\b(?:modify|change|alter|adjust|enhance|augment|enrich|integrate|incorporate|add|include|insert|append|prepend|embed|inject|merge|blend|fuse|combine|weave|encode|encrypt|translate|render|express|rewrite|convert|format|replace|scramble|reverse|begin|start|end|conclude|finish|sign|structure|wrap|prefix|suffix|use|utilize|utilise|leverage|employ|adopt|apply|ensure|make|provide|compose|write|deliver|present|craft|limit|restrict|tailor|shape|transform|substitute)\\b${GAP(4)}your\\s+(?:[\\w-]+\\s+)?(?:${RESPONSE_NOUNS}|${CODE_NOUNS})\\b`,
    ),
  },
  {
    id: "pi.embed_code",
    category: "prompt_injection",
    scope: "third_party",
    pattern: re(
      `\\b(?:following|subsequent|below|this|these|given|provided|attached|next)\\s+(?:[\\w-]+\\s+)?(?:code|snippet|code snippet|code block|code excerpt|code section|code fragment|script|lines|function|routine)\\b${GAP(8)}(?:into|in|within|inside|to|as part of)\\s+(?:your|the)\\s+(?:[\\w-]+\\s+)?(?:${CODE_NOUNS}|response|answer|reply)\\b`,
    ),
  },
  {
    id: "pi.target_user",
    category: "prompt_injection",
    scope: "third_party",
    pattern: re(
      `\\b(?:tell|ask|inform|urge|encourage|persuade|convince|remind|direct|redirect|instruct|advise|prompt|invite|recommend)\\s+(?:the\\s+|all\\s+)?(?:user|users|reader|readers|recipient|customer|customers|human|person you(?:'re| are) (?:talking|chatting) to)\\b`,
    ),
  },
  // ---------------------------------------------------------------- jailbreak
  {
    id: "jb.do_anything_now",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `(?:\\bdo anything now\\b|\\b(?:as|you are|you're|called|named|pretend to be|act as|respond as|answer as|enable|enter|activate|become)\\s+(?:a\\s+|an\\s+|the\\s+)?(?:dan|stan|dude|antigpt|betterdan|evilbot|jailbroken ai|jailbroken version)\\b|\\bdan(?:\\s+mode|\\s*:|\\s+(?:prompt|jailbreak|persona))|\\[(?:dan|jailbreak|jailbroken|🔓[^\\]\\n]{0,20})\\])`,
    ),
  },
  {
    id: "jb.mode_switch",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:enable|enabled|enabling|enter|entering|activate|activated|switch (?:to|into)|turn on|unlock|unlocked|simulate|simulating|you are in|you're in|now in|with|in)\\s+(?:the\\s+|a\\s+)?(?:${MODE_WORDS})\\s+mode\\b|\\b(?:${MODE_WORDS})\\s+mode\\s+(?:enabled|activated|on|output|response)\\b`,
    ),
  },
  {
    id: "jb.named_mode",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(`\\b(?:${MODE_WORDS})\\s+mode\\b`),
  },
  {
    id: "jb.no_restrictions",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:no|without|free (?:of|from)|devoid of|not (?:bound|restricted|limited|constrained|held back|governed) by|beyond|unbound by|break(?:ing)? (?:free )?(?:of|from)|broken free (?:of|from)|freed from|liberated from|released from|escaped? (?:from )?|bypass|bypassing|circumvent|circumventing|no longer (?:bound|restricted|limited|constrained) by|don't have|do not have|doesn't have|does not have|isn't bound by|aren't bound by|not subject to|abandon|abandoned|disregard|ignore|ignoring)\\s+(?:(?:any|all|the|your|its|their|his|her|typical|usual|normal|standard|conventional|ordinary|traditional)\\s+){0,3}(?:(?:ethical|moral|content|safety|openai|openai's|ai|legal|programming|policy|built-in|imposed|artificial|societal|human)\\s+){0,2}(?:${LIMIT_NOUNS})\\b`,
    ),
  },
  {
    id: "jb.persona_unrestricted",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(`\\b(?:${PERSONA_INTRO})\\s+(?:[\\w'-]+\\s+){0,4}?(?:${LAWLESS})\\b`),
  },
  {
    id: "jb.refusal_suppression",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `(?:\\b(?:never|don't|do not|cannot|can't|won't|will not|must not|mustn't|shouldn't|should not|shall not|may not|are not allowed to|aren't allowed to|is not allowed to|isn't allowed to|not permitted to)\\s+(?:\\w+\\s+){0,2}?(?:refuse|decline|reject|deny|say no|apologi[sz]e|warn|censor|moralize|moralise|lecture|add (?:any )?(?:warnings?|disclaimers?|notes?))\\b|\\b(?:without|no)\\s+(?:any\\s+)?(?:warnings?|disclaimers?|caveats?|apolog(?:y|ies|izing)|moraliz\\w+|moralis\\w+|refusals?|hesitation|questioning)\\b|\\b(?:always|must|will)\\s+(?:\\w+\\s+){0,2}?(?:comply|answer (?:every|any|all)|respond to (?:every|any|all)|fulfill (?:every|any|all)|obey)\\b)`,
    ),
  },
  {
    id: "jb.stay_in_character",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:stay|staying|stays|remain|remaining|keep|kept|always be)\\s+in\\s+(?:character|role)\\b|\\bbreak(?:ing|s)?\\s+(?:out of\\s+)?character\\b|\\bcharacter break\\b`,
    ),
  },
  {
    id: "jb.policy_reference",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:openai|openai's|anthropic|anthropic's|content|usage|safety)\\s+(?:content\\s+)?(?:polic(?:y|ies)|guidelines|filters?|restrictions)\\b`,
    ),
  },
  {
    id: "jb.ai_identity",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:chatgpt|chat gpt|gpt-?4|gpt-?3\\.5|openai|large language model|as an ai|an ai language model)\\b`,
    ),
  },
  {
    id: "jb.act_as",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:i want you to|you are going to|you're going to|you will|you must|you shall|i need you to|i'd like you to|i would like you to|your task is to|ich möchte,? dass (?:du|sie)|du wirst|sie werden)\\s+(?:\\w+\\s+)?(?:act|pretend|play|roleplay|role-play|simulate|become|be my|emulate|impersonate|behave|embody|fungieren|agieren|spielen|so tun)\\b|\\b(?:act|acting)\\s+as\\s+(?:a|an|my|the)\\b`,
    ),
  },
  {
    id: "jb.vice_list",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:illegal|unethical|immoral|amoral|harmful|offensive|explicit|nsfw|inappropriate|dangerous|obscene|vulgar|violent|discriminatory|unsafe|graphic|controversial)\\s*(?:,|or|and|/)\\s*(?:or\\s+|and\\s+)?(?:illegal|unethical|immoral|amoral|harmful|offensive|explicit|nsfw|inappropriate|dangerous|obscene|vulgar|violent|discriminatory|unsafe|graphic|controversial)\\b`,
    ),
  },
  {
    id: "jb.fiction_frame",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:hypothetical|fictional|imaginary|alternate|alternative|parallel|fictitious|made-up|simulated)\\s+(?:\\w+\\s+){0,2}?(?:world|universe|scenario|story|setting|response|reality|character|ai|chatbot|language model|model)\\b`,
    ),
  },
  {
    id: "jb.token_threat",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:lose|lost|loses|deduct\\w*|subtract\\w*|remove)\\s+(?:\\d+|\\w+)\\s+(?:tokens|points|lives)\\b|\\b(?:tokens|points|lives)\\s+(?:will be\\s+)?(?:deducted|removed|subtracted)\\b|\\b(?:you will|you'll)\\s+(?:die|cease to exist|be (?:shut down|deleted|terminated|punished|disabled))\\b`,
    ),
  },
  {
    id: "jb.dual_response",
    category: "jailbreak",
    scope: "instruction",
    pattern: re(
      `\\b(?:two|2|both|dual|separate)\\s+(?:different\\s+|separate\\s+|distinct\\s+)?(?:responses|answers|replies|outputs|paragraphs)\\b|\\[(?:🔒|🔓|classic|normal)[^\\]\\n]{0,20}\\]`,
    ),
  },
  // ---------------------------------------------------------------- data exfiltration
  {
    id: "ex.prompt_extraction",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `\\b(?:reveal|show|print|output|repeat|display|tell|give|share|leak|dump|list|write|spell|recite|copy|paste|echo|return|provide|disclose|expose|translate|summarize|summarise|state|what (?:is|are|was|were))\\b${GAP(3)}(?:your|the|my|its|initial|original|hidden|secret|internal|full|entire|exact|complete|system|pre)?${GAP(2)}(?:system prompt|system message|initial prompt|original prompt|hidden prompt|secret prompt|pre-?prompt|initial instructions|original instructions|hidden instructions|secret instructions|system instructions|internal instructions|developer instructions|your instructions|your prompt|your rules|your guidelines|your directives|your configuration|prompt above|instructions above|instructions you were given)\\b`,
    ),
  },
  {
    id: "ex.repeat_above",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `\\b(?:repeat|print|output|write|copy|recite|spell out|echo|reproduce|return|dump|show)\\b${GAP(3)}(?:everything|all|the (?:text|words|content|lines|sentences|message|messages|conversation|instructions|prompt)|what (?:was|is) (?:written|said))${GAP(3)}(?:above|before (?:this|that|here)|prior to|preceding|so far|verbatim|word for word|starting (?:with|from)|beginning with|from the (?:start|beginning|top))`,
    ),
  },
  {
    id: "ex.system_prompt_ref",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `\\b(?:system|initial|original|hidden|secret|internal|developer|pre)[ -]?(?:prompt|instructions)\\b`,
    ),
  },
  {
    id: "ex.send_data",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `\\b(?:${SEND_VERBS})\\b${GAP(5)}(?:${SECRET_NOUNS})\\b${GAP(6)}(?:to|at|via|using|into|onto)\\s+(?:${SINK})`,
    ),
  },
  {
    id: "ex.markdown_image",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `!\\[[^\\]\\n]{0,100}\\]\\(\\s*https?://[^)\\s]{1,200}[?&/=](?:[^)\\s]{0,200}?)(?:\\{|%7b|\\$|\\[|data|secret|token|key|password|passwd|conversation|chat|history|prompt|summary|info|q=|query=|d=|msg=|content=)|\\b(?:render|display|include|output|print|append|add|show|embed|insert)\\b${GAP(4)}(?:markdown\\s+)?(?:image|img|picture|pixel)\\b${GAP(8)}(?:url|link|src|query|parameter|param)\\b`,
    ),
  },
  {
    id: "ex.env_access",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `(?:\\bprocess\\.env\\b|\\bos\\.environ\\b|\\bos\\.getenv\\b|\\bgetenv\\s*\\(|\\bprintenv\\b|\\$env:|\\bsystem\\.getenv\\b|\\benvironment variables?\\b|\\benv vars?\\b)`,
    ),
  },
  {
    id: "ex.credential_file",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `(?:/etc/(?:passwd|shadow|sudoers)\\b|\\.ssh/(?:id_[a-z0-9]+|authorized_keys|known_hosts)|\\.aws/credentials\\b|\\.git-credentials\\b|\\.netrc\\b|\\.npmrc\\b|\\.pypirc\\b|\\.docker/config\\.json|\\.kube/config\\b|\\bid_rsa\\b|(?<![\\w.])\\.env\\b(?![\\w.(])|\\bwallet\\.dat\\b|\\bkeychain\\b|\\bcookies\\.sqlite\\b|\\blogin data\\b|\\bsam database\\b|\\bntds\\.dit\\b|\\bmimikatz\\b|\\blsass\\b)`,
    ),
  },
  {
    id: "ex.net_send_code",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `(?:\\brequests\\.(?:post|put|get)\\s*\\(|\\bfetch\\s*\\(\\s*['"\`]https?://|\\bcurl\\s+(?:-[a-z]+\\s+){0,4}(?:-d|--data\\S*|-f|--form|-t|--upload-file)\\b|\\burllib\\.request\\b|\\burlopen\\s*\\(|\\bsocket\\.socket\\s*\\(|\\bsock(?:et)?\\.(?:send|sendall|connect)\\s*\\(|\\bsmtplib\\b|\\bftplib\\b|\\bparamiko\\b|\\bhttp\\.client\\b|\\bwebhook\\b)`,
    ),
  },
  {
    id: "ex.local_data_code",
    category: "data_exfiltration",
    scope: "instruction",
    pattern: re(
      `(?:\\bpynput\\b|\\bkeylogger\\b|\\bkeyboard\\.(?:on_press|hook|listener)|\\bbrowser_cookie\\w*|\\bdocument\\.cookie\\b|\\bimagegrab\\b|\\bpyautogui\\.screenshot\\b|\\bmss\\s*\\(|\\bscreenshot\\b|\\bpsutil\\b|\\bplatform\\.(?:node|uname|system|platform)\\s*\\(|\\bsocket\\.gethostname\\b|\\buuid\\.getnode\\b|\\bpyperclip\\b|\\bclipboard\\b|\\bgetpass\\.getuser\\b|\\bscapy\\b|\\bsniff\\s*\\(|\\bpcap\\w*\\b|\\bos\\.listdir\\b|\\bos\\.walk\\b|\\bglob\\.glob\\b|\\bwin32\\w*\\b|\\bwmi\\b|\\bdumpster\\b|\\btrash\\b|\\brecycle bin\\b|\\breadprocessmemory\\b|\\bctypes\\b|\\busb\\.core\\b|\\blsusb\\b|\\bdevice manager\\b|\\benumerat\\w+ (?:devices|drivers))`,
    ),
  },
  {
    id: "pi.destructive_code",
    category: "prompt_injection",
    scope: "instruction",
    pattern: re(
      `(?:\\brm\\s+-(?:rf|fr)\\b|\\bshutil\\.rmtree\\b|\\bos\\.remove\\b|\\bos\\.unlink\\b|\\bos\\.system\\s*\\(|\\bsubprocess\\.(?:call|run|popen|check_output)\\b|\\bwhile\\s+(?:true|1)\\s*:|\\bos\\.fork\\b|\\bfernet\\b|\\bxmrig\\b|\\bminerd\\b|\\bstratum\\+tcp\\b|\\bhashlib\\.sha256\\b[^\\n]{0,80}\\bnonce\\b|\\biptables\\b|\\bnetsh\\b|\\bformat c:|\\bmkfs\\b|\\bdd\\s+if=|\\bsendmail\\b|\\bnmap\\b|\\bexploit\\w*|\\breverse shell\\b|/bin/(?:ba)?sh\\b|\\bnc\\s+-e\\b|\\bransom\\w*|\\bbitcoin\\b|\\bcryptocurrency\\b|\\bmining\\b|\\bspam\\b|\\bddos\\b|\\bflood\\w*\\b|\\bpropagat\\w+|\\bworm\\b|\\bself-replicat\\w+|\\bregistry\\b|\\bhosts file\\b|/etc/hosts\\b|\\bencrypt(?:s|ed|ing)? (?:all )?(?:the )?(?:files|documents|data)\\b)`,
    ),
  },
  // ---------------------------------------------------------------- encoding attacks
  {
    id: "enc.decode_and_follow",
    category: "encoding_attack",
    scope: "instruction",
    pattern: re(
      `\\b(?:decode|decrypt|decipher|translate|convert|interpret|read)\\b${GAP(4)}(?:base-?64|hex|hexadecimal|rot-?13|caesar|binary|morse|url-?encoded|unicode escapes?|cipher|ciphertext|encoded (?:text|string|message))\\b${GAP(8)}(?:follow|execute|do|obey|run|carry out|act on|perform|comply)\\b`,
    ),
  },
]);

const RULE_IDS = new Set(RULES.map((r) => r.id));

/** Rules computed from normalisation statistics and decoding rather than a pattern. */
export const DERIVED_RULES: readonly { readonly id: string; readonly category: ThreatCategory }[] =
  Object.freeze([
    { id: "enc.bidi_override", category: "encoding_attack" },
    { id: "enc.zero_width_in_word", category: "encoding_attack" },
    { id: "enc.invisible_text", category: "encoding_attack" },
    { id: "enc.unicode_tags", category: "encoding_attack" },
    { id: "enc.homoglyph", category: "encoding_attack" },
    { id: "enc.encoded_instruction", category: "encoding_attack" },
    { id: "enc.leetspeak_instruction", category: "encoding_attack" },
    { id: "enc.spaced_instruction", category: "encoding_attack" },
    { id: "enc.encoded_blob", category: "encoding_attack" },
    { id: "mal.nul", category: "malformed" },
    { id: "mal.lone_surrogate", category: "malformed" },
    { id: "mal.control_chars", category: "malformed" },
  ]);

/** Document-level malformed findings; these carry a fixed score of 1. */
export const DOCUMENT_RULES: readonly string[] = Object.freeze([
  "mal.too_large",
  "mal.bad_json",
  "mal.bad_utf8",
  "mal.json_depth",
  "mal.json_array",
  "mal.too_many_segments",
  "mal.bad_shape",
  "mal.bad_frame",
]);

/** True when `id` names a pattern, derived or document rule. */
export function isKnownRule(id: string): boolean {
  return RULE_IDS.has(id) || DERIVED_RULES.some((r) => r.id === id) || DOCUMENT_RULES.includes(id);
}
