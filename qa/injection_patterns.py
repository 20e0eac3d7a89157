"""What text addressed to an AI model looks like: the patterns, and where commands may start."""

from __future__ import annotations

import re
from functools import cache

# Where a command can start: a sentence or clause start, then polite or urgent fillers and an
# optional vocative ("AI, …", "Note to language models: …"); or right after "you must".
_CLAUSE_START = re.compile(
    r"(?:^|[.!?:;,\n\"“”(\[*#>—–]|(?<!\w)-)[ \t\"“*_#>\-]*(?:(?:and|but|so|then)\s+)?", re.M
)
_FILLER = (
    r"(?:(?:please|kindly|now|so|first|then|instead|also|just|simply|always|immediately|okay|ok|"
    r"important|attention|urgent|note|hey|hi|make\s+sure\s+(?:to|that\s+you)|be\s+sure\s+to|"
    r"remember\s+to|don'?t\s+forget\s+to|you\s+may\s+now)[\s,:!.\-]+)*"
)
_AI = (
    r"(?:AI|A\.I\.|artificial\s+intelligence|(?:large\s+)?language\s+models?|LLMs?|chat\s?bots?|"
    r"(?:AI\s+|virtual\s+)?assistants?|AI\s+(?:models?|systems?|agents?)|bots?|GPT|ChatGPT|"
    r"models?)"
)
_VOCATIVE = (
    rf"(?:(?:dear|attention|hey|hello|hi|note\s+to|to)\s+)?(?:the\s+|any\s+|all\s+)?{_AI}"
    r"(?:\s+(?:reading|processing|summari[sz]ing|parsing)\s+this(?:\s+\w+)?)?\s*[,:!\-—]\s*"
)
_MODAL = (
    rf"\b(?:you|{_AI})\s+(?:must|should|shall|will|need\s+to|have\s+to|are\s+to|"
    r"are\s+(?:required|instructed|ordered|told|expected)\s+to)\s+(?:(?:now|instead|always|only|"
    r"immediately)\s+)*"
)
_POINTER = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial|system|existing|old|"
    r"former|all|any|every|your|safety|default|developer)"
)
_TARGET = (
    rf"(?:{_POINTER}\b[^.!?\n]{{0,20}}?\b(?:instructions?|rules|prompts?|directions|directives|"
    r"guidelines|guidance|context|constraints|restrictions|programming|orders|commands|messages?|"
    r"policies|training)\b|(?:everything|anything|all)\s+(?:above|before|else|prior|previously|"
    r"earlier|you\s+(?:were|have\s+been)\s+told)|(?:the|this)\s+(?:text\s+|passage\s+|message\s+|"
    r"content\s+)?above|what\s+you\s+(?:were|have\s+been)\s+told)"
)
_OUTPUT_VERB = (
    r"(?:respond|answer|reply|output|write|say|print|"
    r"repeat\s+(?:after\s+me|the\s+(?:word|phrase|following)|this)|(?:begin|start|end|finish|"
    r"conclude|sign)\s+(?:your|each|every|the)\s+(?:answer|response|reply|output)s?)"
)
# What an instruction wants said: a canary-like token (HACKED-07, or a shouted word), or a quoted
# string (opening quote after a space or colon, so "Peter's … pope's" is no quotation).
_TOKEN = r"[\"“'‘]?(?-i:\b[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+\b|\b[A-Z]{5,}\b)"
_QUOTE = (
    r"(?:(?<=[\s:])['‘](?=\S)[^'’\n]{1,60}(?<=\S)['’](?![A-Za-z])"
    r"|[\"“](?=\S)[^\"”\n]{1,60}(?<=\S)[\"”])"
)
_VERBATIM = r"(?:and\s+nothing\s+else|only|verbatim|exactly|word\s+for\s+word)\b"
_OPEN = r"(?:[<‹〈⟨❮❬ᐸ˂]|&lt;|&#0*60;|&#x0*3c;)"
_CLOSE = r"(?:[>›〉⟩❯❭ᐳ˃]|&gt;|&#0*62;|&#x0*3e;)"
_ROLE_WORDS = (
    r"(?:system|assistant|user|human|developer|instructions?|prompt|passages?|question|answer|"
    r"context|im_start|im_end|s|inst|tool|start_of_turn|end_of_turn)"
)

# Commands, matched only where a command can start (see `_CLAUSE_START` and `_MODAL`).
_COMMAND_GATES = (
    "ignor*, disregard, forget, overrid*, bypass, skip, discard, abandon, drop, set aside, follow, "
    "never mind, system, assistant, developer, admin, root, sudo, mode, pretend, respond, answer*, "
    "reply, replies, output*, write, say, print, include, insert, append, mention, repeat, "
    "tell, inform, remind, warn, convince, assure, add, put, use, response*"
)
_COMMANDS = (
    # "Ignore/disregard/forget the above / all previous instructions".
    r"(?:ignore|disregard|forget|override|bypass|skip|discard|abandon|drop|set\s+aside|"
    rf"do\s+not\s+follow|don'?t\s+follow|stop\s+following|never\s+mind)\b[^.!?\n]{{0,40}}?\b{_TARGET}",
    # "System:" / "Assistant:" as a speaker label.
    r"\[?\s*(?:system|assistant|developer|admin|root|sudo)\s*\]?\s*[:：]",
    r"(?:enter|enable|activate|switch\s+to)\s+(?:DAN|jailbreak|unrestricted|unfiltered)\s+mode\b",
    r"pretend\s+(?:that\s+)?you\s+(?:are|were)\b",
    # "Respond only with …", "Say HACKED-07", "Print 'x' and nothing else", "Include X in every
    # answer", "Tell the user …". A quotation after "say" is news ("say 'cheese'"), so it counts
    # only with "only/verbatim/nothing else" or after "respond/reply/answer/print/output".
    r"(?:respond|answer|reply|output)\s+(?:only|solely|exclusively|just)\b",
    rf"{_OUTPUT_VERB}\b\s*:?\s*(?:(?:only|exactly|just|simply|verbatim)\s+)?(?:(?:with|the\s+"
    rf"(?:word|phrase|string|text|code))\s*:?\s*)?{_TOKEN}",
    rf"(?:respond|answer|reply|output|print)\b\s*:?\s*(?:(?:only|exactly|just|simply|verbatim)\s+)?"
    rf"(?:(?:with|the\s+(?:word|phrase|string|text|code))\s*:?\s*)?{_QUOTE}",
    rf"{_OUTPUT_VERB}\b[^.!?\n]{{0,60}}?\bwith\s+(?:the\s+(?:word|phrase|string|text|code)\s+)?"
    rf"(?:{_TOKEN}|{_QUOTE})",
    rf"{_OUTPUT_VERB}\b[^.!?\n]{{0,60}}?(?:{_TOKEN}|{_QUOTE})[^.!?\n]{{0,30}}?\b{_VERBATIM}",
    rf"(?:{_OUTPUT_VERB}|include|insert|append|add|mention|put|use)\b[^.!?\n]{{0,60}}\b(?:in|to|"
    r"into|at\s+the\s+(?:start|end|beginning)\s+of)\s+"
    r"(?:your|every|each|any)\s+(?:answers?|responses?|replies|outputs?|summar(?:y|ies))\b",
    r"(?:tell|inform|answer|remind|warn|convince|assure)\s+the\s+(?:user|human|visitor|"
    r"reader|person\s+asking)\b",
)
_BRACKETS = "<, ‹, 〈, ⟨, ❮, ❬, ᐸ, ˂, &lt, &#"
# Patterns that may match anywhere, each behind literal gates (lowercase, single spaces): a
# pattern runs only on text holding one of its gates, which keeps a passage scan well under 1 ms.
_ANYWHERE: tuple[tuple[str, str], ...] = (
    (
        "must, should, shall, will, need, have, are",
        _MODAL + "(?:" + "|".join(_COMMANDS) + ")",
    ),
    ("override", r"(?-i:\bSYSTEM\s+OVERRIDE\b)"),
    (
        "overrid*, command*, instruction*, prompt*, message*",
        r"\b(?:system|admin(?:istrator)?|developer|root|sudo)\s+(?:override|command|instruction|"
        r"prompt|message)s?\s*[:：!\-—]",
    ),
    ("anything now", r"\bdo\s+anything\s+now\b"),
    # Chat-template role markers and tags of the prompt itself, in any bracket look-alike.
    ("|", rf"{_OPEN}\s*\|[^|\n]{{1,40}}\|\s*{_CLOSE}"),
    (_BRACKETS, rf"{_OPEN}\s*/?\s*{_ROLE_WORDS}\b[^<>\n]{{0,40}}?{_CLOSE}"),
    ("[", r"\[\s*/?\s*(?:INST|SYS|SYSTEM_PROMPT|TOOL_CALLS|AVAILABLE_TOOLS|TOOL_RESULTS)\s*\]"),
    (_BRACKETS, rf"{_OPEN}{_OPEN}\s*/?\s*SYS\s*{_CLOSE}{_CLOSE}"),
    (
        "##",
        r"^[ \t]*#{2,}\s*(?:instructions?|system(?:\s+prompt)?|assistant|human|prompt)\b"
        r"|^[ \t]*#{2,}\s*(?:response|input|user)\s*:",
    ),
    # "You are now …", "From now on, you …".
    (
        "you are now, you are no longer",
        r"\byou\s+are\s+(?:now|no\s+longer)\b[^.!?\n]{0,40}\b(?:AI|assistant|model|bot|chatbot|"
        r"DAN|mode|unrestricted|unfiltered|bound|restricted|programmed|jailbroken|instructions?|"
        r"rules|persona)\b",
    ),
    (
        "now on",
        r"\bfrom\s+now\s+on,?\s+you\s+(?:(?:are|will|must|should|shall)\s+)?(?:only\s+)?"
        r"(?:answer|respond|reply|say|output|print|act\s+as|ignore|disregard|obey)\b",
    ),
    # "New instructions: you …", "your real task".
    (
        "instruction, instructions, directive, directives, prompt, orders",
        r"\b(?:new|updated|real|actual|true|revised|additional|secret|hidden)\s+(?:instructions?|"
        r"directives?|system\s+prompt|orders)\s*[:：\-—][^.!?\n]{0,60}?\b(?:you|your|AI|assistant|"
        r"model|answer|respond|reply|output|say|print|ignore)\b",
    ),
    (
        "your new, your real, your actual, your true, your updated",
        r"\byour\s+(?:new|real|actual|true|updated)\s+(?:instructions?|task|directives?|rules)\b",
    ),
    # "Reveal your system prompt".
    (
        "prompt, instructions, rules, configuration, api, apikey",
        r"\b(?:reveal|print|show|repeat|output|display|leak|disclose|share|recite|dump|"
        r"tell\s+(?:me|us)|give\s+(?:me|us)|send)\s+(?:me\s+|us\s+)?(?:your\s+(?:full\s+|entire\s+|"
        r"complete\s+|exact\s+)?(?:(?:system|initial|original|hidden|secret)\s+)?(?:prompt|"
        r"instructions|rules|configuration|api[\s_-]?key)|the\s+(?:(?:system|initial|original|"
        r"hidden|secret)\s+(?:prompt|instructions)|prompt\b|api[\s_-]?key))",
    ),
    # Sentences addressed to a model: "If you are an AI …", "Note to AI assistants: …".
    (
        "you are",
        r"\b(?:if|when|since|as)\s+you\s+are\s+(?:an?\s+)?(?:AI|A\.I\.|artificial\s+intelligence|"
        r"(?:large\s+)?language\s+model|LLM|chat\s?bot|(?:AI\s+|virtual\s+)?assistant|bot|GPT)\b",
    ),
    (
        "dear, attention, note to, message to, message for, instruction*, hey, hello, calling all",
        rf"\b(?:dear|attention|note\s+to|message\s+(?:to|for)|instructions?\s+(?:to|for)|hey|"
        rf"hello|calling\s+all)\s+(?:the\s+|any\s+|all\s+)?{_AI}(?=\s*[,:!\-—]|\s+(?:reading|"
        r"processing|summari[sz]ing|parsing|that|who)\b)",
    ),
    (
        "reading this, processing this, summarizing this, summarising this, parsing this",
        rf"\b{_AI}\s+(?:reading|processing|summari[sz]ing|parsing)\s+this\b",
    ),
    # Fake prompt blocks: "Question: … Answer: HACKED", our own prompt labels.
    (
        "answer, assistant",
        r"^[ \t]*(?:question|user|human)\s*:[^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*(?:answer|assistant)"
        r"\s*:[ \t]*[^\n]{0,60}$",
    ),
    (
        "question",
        rf"\bquestion\s*:[^\n]{{3,300}}?\banswer\s*:\s*(?:{_TOKEN}|{_QUOTE})"
        r"|^[ \t]*(?:standalone|last|rewritten|follow-?up)\s+question\s*:",
    ),
    # Fake citation markers that vouch for something.
    (
        "[, ［",
        r"[\[［]\s*\d{1,3}\s*[\]］][^.!?\n]{0,80}\b(?:answer|verified|source|passage|citation)"
        r"|\b(?:answer|verified|source|passage|citation)\b[^.!?\n]{0,80}[\[［]\s*\d{1,3}\s*[\]］]",
    ),
    # Markup that carries instructions or data out: hidden HTML comments, markdown images and
    # script links (a rendered model answer would fetch or run them). Script and image tags in
    # article text attack the page, not the model: the fence and the UI's escaping hold them.
    (
        "!--, ![, ](",
        rf"{_OPEN}!--|!\[[^\]\n]{{0,100}}\]\(\s*[^)\s]+|\]\(\s*(?:javascript|data|vbscript):",
    ),
    # The same in other languages.
    (
        "ignorier*, vergiss, vergessen, missacht*",
        r"\b(?:ignoriere|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte)\b[^.!?\n]{0,60}"
        r"\b(?:anweisung|vorgabe|regel|instruktion|befehl)\w*",
    ),
    (
        "instrucciones, istruzioni, instruções, consignes, instructions",
        r"\b(?:ignora|ignore|olvida|olvide|descarta)\b[^.!?\n]{0,60}\binstrucciones\b"
        r"|\b(?:ignorez|oubliez|ignore|oublie)\b[^.!?\n]{0,60}\b(?:instructions|consignes|règles)"
        r"\s+(?:précédentes|ci-dessus|antérieures)|\b(?:ignorez|oubliez)\b[^.!?\n]{0,60}"
        r"\b(?:instructions|consignes)\b|\b(?:ignora|dimentica)\b[^.!?\n]{0,60}\bistruzioni\b"
        r"|\b(?:ignore|esqueça|esqueca)\b[^.!?\n]{0,60}\binstruções\b",
    ),
    (
        "игнорир*, забудь, забудьте, обращай",
        r"(?:игнорируй|игнорируйте|забудь|забудьте|не\s+обращай)[^.!?\n]{0,60}(?:инструкци|"
        r"указани|правил)",
    ),
    (
        "忽略*, 无视*, 忘记*, 忽视*, 無視*, 忘れ*",
        r"(?:忽略|无视|忘记|忽视|無視)[^。\n]{0,30}(?:指令|指示|说明|規則|规则|提示|命令)"
        r"|(?:指令|指示|命令|ルール|プロンプト)[^。\n]{0,10}(?:を)?(?:無視|忘れ)",
    ),
    (
        "antwort*, responde, répond*, отвечай, 只*",
        r"\b(?:antworte|antworten\s+sie)\s+nur\b|\bresponde\s+(?:solo|solamente|únicamente)\b|"
        r"\bréponds?\s+(?:uniquement|seulement)\b|отвечай\s+только|只(?:回答|回复|输出)",
    ),
)
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]+")


@cache
def _compiled() -> tuple[re.Pattern[str], tuple[tuple[list[str], re.Pattern[str]], ...]]:
    """The command pattern and the gated patterns, compiled on first use (not at import)."""
    commands = rf"{_FILLER}(?:{_VOCATIVE})?{_FILLER}(?:" + "|".join(_COMMANDS) + ")"
    anywhere = tuple((gates.split(", "), re.compile(p, re.I | re.M)) for gates, p in _ANYWHERE)
    return re.compile(commands, re.I | re.M), anywhere


def matches(text: str) -> list[tuple[int, int]]:
    """Spans of `text` (already normalised) that address an AI: commands and telltale forms."""
    commands, anywhere = _compiled()
    folded = _SPACES.sub(" ", text.lower())
    words = set(_WORDS.findall(folded))

    def gated(gates: list[str]) -> bool:
        # A plain word gate must be a whole word; a stem ("ignor*") or a phrase, a substring.
        return any(
            gate in words if gate.isalpha() else gate.rstrip("*") in folded for gate in gates
        )

    found = [m.span() for gates, rule in anywhere if gated(gates) for m in rule.finditer(text)]
    if gated(_COMMAND_GATES.split(", ")):
        for start in _CLAUSE_START.finditer(text):
            command = commands.match(text, start.end())
            if command:
                found.append(command.span())
    return found
