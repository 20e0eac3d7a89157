"""People's names in an article: titles dropped, short forms resolved to the fullest form."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Words that precede a name as a title or role, never part of the name ("Russian President
# Vladimir Putin" → "Vladimir Putin"). Kept small and documented: roles that news puts before
# names, courtesy titles, and nationality or party adjectives commonly glued to them.
TITLES = frozenset(
    """president vice prime minister secretary chancellor premier king queen prince princess
    pope sen senator rep representative gov governor mayor lt gen general adm admiral col colonel
    capt captain sgt sergeant officer chief judge justice attorney dr doctor prof professor mr mrs
    ms miss sir dame lord lady rev reverend father sister brother chairman chairwoman chair ceo
    cfo coo founder director spokesman spokeswoman spokesperson ambassador commissioner
    councilman councilwoman councilmember sheriff deputy detective coach former late then
    acting interim leader speaker house majority minority whip chief-of-staff executive
    president-elect first lady gop democratic republican democrat u.s us american russian
    chinese ukrainian british french german israeli iranian indian japanese korean north south
    palestinian canadian mexican australian supreme court federal state foreign defense
    interior treasury health homeland security national director-general ex prosecutor
    adviser advisor analyst economist assistant associate consultant strategist official
    manager editor reporter correspondent anchor host producer designer actor actress
    musician rapper star coach quarterback player pitcher owner partner chairperson
    superintendent principal teacher instructor researcher scientist investigator lawyer
    agent activist organizer candidate nominee lawmaker legislator congressman congresswoman
    delegate trustee commander marshal inspector trooper firefighter pastor rabbi imam bishop
    cardinal dean provost chancellor-elect ceo-elect cofounder co-founder""".split()
)
# Sentence openers and determiners glued to a name ("But Vinson", "The FAA").
_OPENERS = frozenset(
    "but while and so yet as when because then also meanwhile however still though although "
    "after before since if now later earlier the a an this that these those at in on for with "
    "from by of to into about against".split()
)
_QUESTION_WORDS = frozenset("how why what where who which whose whom".split())
# Words that make a capitalized run an organisation, a place or a work, never a person.
ORG_WORDS = frozenset(
    """center centre department agency service office committee council university college
    school court police news times post journal association institute foundation inc corp
    corporation company co llc ltd party house ministry bureau administration commission board
    group network station museum church club league team union bank fund hospital airport
    airlines airline county city state republic kingdom states nations forces army navy force
    guard media press tv radio channel magazine studio studios records entertainment reserve
    senate congress parliament assembly capitol""".split()
)
_PARTICLES = frozenset(
    "de da del della di van von der den la le bin al el ibn st st. jr jr. sr".split()
)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’\-]*|(?:[A-Z]\.)+|[A-Z][\w'’\-]*\.(?<=[JS][rt]\.))$")
_POSSESSIVE = re.compile(r"['’]s?$")


def word_starts(text: str, words: str) -> list[int]:
    """Offsets of non-empty `words` written as whole words, as `re.finditer(r"\\bwords\\b")`."""
    # A pattern opening with \b gets no literal-prefix search from `re` (it tries every offset):
    # on a news article this finds the words about ten times faster.
    bounded = re.compile(rf"\b{re.escape(words)}\b")
    starts: list[int] = []
    at = text.find(words) if words else -1
    while at >= 0:
        if bounded.match(text, at):
            starts.append(at)
            at = text.find(words, at + len(words))
        else:
            at = text.find(words, at + 1)
    return starts


def fold(text: str) -> str:
    """Lower case without accents, for matching names ("José" ~ "jose")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(name: str) -> list[str]:
    """The words of a name, possessive and trailing commas removed."""
    words = [w.strip(",;:()[]") for w in name.split()]
    # "Putin's" and a name ending in s with a bare apostrophe ("DeShields' dream").
    owned = ("'s", "’s", "s'", "s’")
    return [_POSSESSIVE.sub("", w) if w.endswith(owned) else w for w in words if w]


# A quoted nickname inside a name: Dwayne "The Rock" Johnson is Dwayne Johnson.
_NICKNAME = re.compile(r"\s+[\"“‘'][^\"“”‘’']{1,30}[\"”’']\s+")


def drop_nickname(name: str) -> str:
    """The name without a quoted nickname (Gordon H. “Nick” Mueller → Gordon H. Mueller)."""
    return _NICKNAME.sub(" ", name)


def strip_titles(name: str) -> str:
    """The name without leading titles, roles, ages and nationality words."""
    words = tokens(name)
    while len(words) > 1 and _is_title(words[0]):
        words = words[1:]
    return " ".join(words)


def _is_title(word: str) -> bool:
    low = fold(word).rstrip(".")
    return (
        low in TITLES
        or ("-" in low and any(part in TITLES for part in low.split("-")))
        or low in _OPENERS
        or any(ch.isdigit() for ch in word)
        or not word[:1].isupper()
    )


def looks_like_name(name: str) -> bool:
    """Capitalized words (particles allowed) that are not all titles."""
    words = tokens(name)
    if not words or len(words) > 5 or fold(words[0]) in _QUESTION_WORDS:  # "How TikTok" (a heading)
        return False
    for word in words:
        if fold(word) not in _PARTICLES and not _NAME_TOKEN.match(word):
            return False
        if len(words) > 1 and fold(word).rstrip(".") in ORG_WORDS:
            return False
    return not all(_is_title(word) for word in words)


def fullest(mention: str, known: Iterable[str]) -> str:
    """The longest known name holding every word of `mention` ("Putin" → "Vladimir Putin")."""
    short = strip_titles(mention)
    want = [fold(w) for w in tokens(short)]
    if not want:
        return short
    best = short
    for name in known:
        words = [fold(w) for w in tokens(name)]
        if len(words) > len(tokens(best)) and contains_in_order(words, want):
            best = name
    return best


def contains_in_order(words: Sequence[str], want: Sequence[str]) -> bool:
    """Whether `want` appears in `words` as a contiguous run, or as first + last name."""
    n = len(want)
    if any(words[i : i + n] == want for i in range(len(words) - n + 1)):
        return True
    return n == 2 and words[0] == want[0] and words[-1] == want[-1]


def name_matches(query: str, speaker: str) -> bool:
    """Whether every word of `query` is a whole word of `speaker`, ignoring case and accents."""
    have = {fold(w) for w in tokens(speaker)}
    want = [fold(w) for w in tokens(query)]
    return bool(want) and all(w in have for w in want)
