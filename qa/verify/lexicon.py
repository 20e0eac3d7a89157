"""Closed word classes the checks read: negation, causal links, quantifiers, antonyms.

No maintained package on PyPI ships an English antonym resource that works offline (WordNet
comes through `nltk`/`wn` downloads; bench/RESULTS.md records what was tried), so the lists are
kept here, small and documented. Antonyms also come from word formation (un-/in-/dis-/non-,
-ful/-less, up/down, over/under, short-/long-), which needs no list. The quantifier and causal
lists are closed classes of English function words, not pairs.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

NEGATIONS = frozenset("not n't never no none nobody nothing neither nor without cannot".split())
# "declined to say" negates "say" as "would not say" does.
NEGATING_VERBS = frozenset(
    """decline declines declined declining refuse refuses refused refusing fail fails failed
    failing deny denies denied""".split()
)

# Words that state a cause. "so" and "since" count only where they join clauses (see parse).
CAUSAL_WORDS = frozenset(
    """because therefore thus hence consequently prompted prompting prompts prompt caused
    causes causing triggered triggers triggering sparked sparks sparking""".split()
)
# Two-word causal links: (first word, second word).
CAUSAL_PAIRS = frozenset(
    {
        ("due", "to"),
        ("owing", "to"),
        ("thanks", "to"),
        ("because", "of"),
        ("led", "to"),
        ("lead", "to"),
        ("leads", "to"),
        ("leading", "to"),
        ("result", "in"),
        ("results", "in"),
        ("resulted", "in"),
        ("resulting", "in"),
        ("as", "result"),  # "as a result" (the article is skipped)
        ("response", "to"),  # "in response to"
    }
)

# Quantifiers that claim everything, nothing, or one-and-only; each group counts as one word
# ("each" states what "every" does).
STRONG_QUANTIFIERS = {
    word: group.split(":")[0]
    for group in (
        "all: all every each entire entirely whole wholly",
        "everyone: everyone everybody everything",
        "only: only sole solely exclusively alone single",
        "always: always ever forever",
        "both: both",
        "majority: majority most",
        "none: none",
        "unanimous: unanimous unanimously",
        "completely: completely totally fully",
    )
    for word in group.split(":")[1].split()
}
# Words that weaken what follows; dropping one makes a claim stronger than its quote.
HEDGES = frozenset(
    """some several many few nearly almost about around roughly approximately partly partially
    largely mostly often sometimes usually probably possibly likely among""".split()
)
# Bounds before a number or amount: "at least a decade" is the opposite of "at most" one.
SCALAR_BOUNDS = {
    ("at", "least"): "lower",
    ("more", "than"): "lower",
    ("at", "most"): "upper",
    ("less", "than"): "upper",
    ("fewer", "than"): "upper",
    ("up", "to"): "upper",
}
ORDINALS = frozenset(
    """second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth""".split()
)
# Superlatives that do not end in -est, and -est words that are not superlatives.
SUPERLATIVES = frozenset("best worst most least top".split())
NOT_SUPERLATIVES = frozenset(
    """interest honest forest west midwest southwest northwest rest test latest protest request
    suggest arrest harvest guest nest chest contest digest invest manifest pest quest vest zest
    conquest earnest inquest modest detest attest jest crest unrest priest""".split()
)

# Common English antonyms (either order). Inflections and comparatives are matched through
# `base_form`, so "wet"/"dry" also covers "wettest"/"driest".
_ANTONYMS = """
good bad | new old | young old | high low | large small | big small | long short |
wide narrow | thick thin | heavy light | strong weak | hard soft | easy difficult | easy hard |
fast slow | quick slow | early late | hot cold | warm cool | wet dry | rich poor |
cheap expensive | happy sad | safe dangerous | true false | right wrong | public private |
full empty | alive dead | positive negative | optimistic pessimistic | friendly hostile |
peaceful violent | clean dirty | smooth rough | simple complex | common rare |
frequent rare | frequently rarely | often rarely | often seldom | increase decrease |
rise fall | grow shrink | gain lose | win lose | victory defeat | winner loser |
accept reject | accept refuse | accept decline | agree disagree | allow forbid | allow ban |
approve reject | support oppose | praise criticize | praise condemn | attack defend |
buy sell | import export | open close | start end | begin end | begin finish | enter exit |
arrive depart | include exclude | raise lower | expand shrink | expand contract |
strengthen weaken | intensify weaken | improve worsen | improve deteriorate | ease tighten |
succeed fail | success failure | strength weakness | profit loss | surplus deficit |
majority minority | maximum minimum | advance retreat | ally enemy | ally rival |
friend enemy | friend foe | love hate | like dislike | remember forget | push pull |
give take | send receive | lend borrow | north south | east west | upper lower |
inner outer | inside outside | internal external | domestic foreign | urban rural |
liberal conservative | military civilian | male female | past future | ancient modern |
top bottom | height depth | peak trough | boom bust | hire fire | arrest release |
guilty innocent | convict acquit | permanent temporary | active passive | mild severe |
minor major | ascend descend | rise decline | growth decline | increase decline |
boost cut | calm agitated | tough soft | tough lenient | strict lenient | wealthy poor |
victorious defeated | praise blame | reward punish | love fear | hope fear | trust distrust |
confirm deny | admit deny | survive die | live die | birth death | punish pardon |
legal illegal | possible impossible | visible invisible | dependent independent |
present absent | presence absence | remember forget | cooperate compete | cooperation rivalry |
encourage discourage | encourage deter | welcome reject | celebrate mourn | weaker stronger |
higher lower | surge plunge | soar plunge | soar slump | rally slump | recover collapse |
expansion contraction | inflation deflation | better worse | best worst | more less |
most least | up down | over under | first last | lead trail | before after | above below |
supplier consumer | supply demand | buyer seller | importer exporter | lender borrower |
employer employee | winner runner-up | guilty acquitted | ally adversary | partner rival |
highs lows | heights lows | heights depths | abandon advance | abandon pursue |
""".replace("\n", " ")
ANTONYM_PAIRS = frozenset(
    frozenset(pair.split()) for pair in _ANTONYMS.split("|") if len(pair.split()) == 2
)
_LISTED: dict[str, set[str]] = {}
for _pair in ANTONYM_PAIRS:
    for _word in _pair:
        _LISTED.setdefault(_word, set()).update(_pair - {_word})
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "anti", "anti-")
_OPPOSITE_PARTS = (("up", "down"), ("over", "under"), ("short", "long"), ("high", "low"))
_OPPOSITE_SUFFIXES = (("ful", "less"),)


@cache
def base_form(word: str) -> str:
    """A word without inflection or degree: "wettest" → "wet", "driest" → "dry"."""
    word = word.lower().replace("’", "'")
    for suffix, repl in (("iest", "y"), ("ier", "y"), ("ies", "y"), ("ied", "y")):
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            return word[: -len(suffix)] + repl
    for suffix in ("est", "er", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            stem = word[: -len(suffix)]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                stem = stem[:-1]  # wettest → wet, planned → plan
            return stem
    return word


@cache
def _forms(word: str) -> frozenset[str]:
    """The word and its plausible base forms (with and without a final e)."""
    low = word.lower()
    base = base_form(low)
    return frozenset({low, base, base + "e", low.rstrip("e")})


@lru_cache(maxsize=65536)
def are_antonyms(a: str, b: str) -> bool:
    """True when `a` and `b` are listed antonyms or opposites by word formation."""
    if not a or not b or a.lower() == b.lower():
        return False
    forms_b = _forms(b)
    return bool(_opposites(a) & forms_b) or bool(_opposites(b) & _forms(a))


@cache
def _opposites(word: str) -> frozenset[str]:
    """Every form an opposite of `word` can take: listed antonyms of its forms, and forms
    made by adding or removing a negating prefix or swapping up/down, short/long, -ful/-less."""
    out: set[str] = set()
    for form in _forms(word):
        out |= _LISTED.get(form, set())
        for prefix in _NEGATING_PREFIXES:
            out.add(prefix + form)
            if form.startswith(prefix) and len(form) - len(prefix) >= 4:
                out.add(form[len(prefix) :])
        for one, other in _OPPOSITE_PARTS:
            for x, y in ((one, other), (other, one)):
                swapped = _swap_part(form, x, y)
                if swapped:
                    out.add(swapped)
        for one, other in _OPPOSITE_SUFFIXES:
            for x, y in ((one, other), (other, one)):
                if form.endswith(x):
                    out.add(form[: -len(x)] + y)
    return frozenset(out)


def _swap_part(word: str, one: str, other: str) -> str | None:
    """`word` with its leading or trailing part `one` replaced by `other` ("short-lived" →
    "long-lived", "downplay" → "upplay")."""
    parts = re.split(r"[-\s]+", word)
    if len(parts) > 1 and one in parts:
        return "-".join(other if p == one else p for p in parts)
    if word.startswith(one) and len(word) > len(one) + 3:
        return other + word[len(one) :]
    if word.endswith(one) and len(word) > len(one) + 3:
        return word[: -len(one)] + other
    return None


def is_superlative(word: str) -> bool:
    """ "largest", "best", "costliest" (not "interest", "west")."""
    low = word.lower()
    if low in SUPERLATIVES:
        return True
    return low.endswith("est") and len(low) > 5 and low not in NOT_SUPERLATIVES
