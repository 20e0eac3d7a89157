"""What the checks read from spaCy's dependency parse of one claim or one cited sentence.

Only the parser runs (no tagger, no NER: the parse costs half as much without them), so a name
is a capitalized word that is not merely sentence-initial, and a predicate is a token that heads
a subject, an object or a clause. Keys are the lexical score's stems, so both agree on words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from qa.verify.lexical import STOPWORDS, stem
from qa.verify.lexicon import NEGATING_VERBS, NEGATIONS
from qa.verify.names import fold
from qa.verify.numbers import Mention, mention, number_value

SAY = "(say)"
BE = "be"
PRONOUNS = frozenset(
    "i me we us you he him she her it they them who whom which that this these those one".split()
)
POSSESSIVE_PRONOUNS = frozenset("my our your his her its their whose".split())
_COPULAS = frozenset("is are was were be been being am 's ’s".split())
_SUBJECT = frozenset({"nsubj", "csubj", "expl"})
_OBJECT = frozenset({"dobj", "nsubjpass", "dative", "oprd"})
_CLAUSE = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "pcomp", "csubj"})
_ARG_DEPS = _SUBJECT | _OBJECT | {"agent", "prep", "attr", "acomp", "poss"}
# Neutral verbs of saying: any of them reports what another does ("told" ~ "said"). Verbs that
# judge (praise, condemn, deny, accuse) keep their own meaning.
SPEECH_WORDS = frozenset(
    """say says said saying tell tells told telling add adds added adding state states stated
    stating note notes noted noting write writes wrote writing declare declares declared
    declaring announce announces announced announcing explain explains explained explaining
    remark remarks remarked tweet tweets tweeted post posts posted posting reply replies replied
    respond responds responded comment comments commented mention mentions mentioned recount
    recounts recounted speak speaks spoke speaking""".split()
)
_RELATIVE = frozenset("who which that whose whom".split())
_COMPARATIVE = frozenset(("over", "than", "against"))
NB_HYPHEN = "\u2011"
_NAME_HYPHEN = re.compile(r"\b([A-Z][a-z]{1,8})-([a-z]{1,8})\b")


@dataclass(frozen=True)
class Arg:
    """One argument of a predicate: its head word and the names it holds."""

    head: str  # key of the head word
    keys: frozenset[str]  # keys of the head and its name/compound words
    names: frozenset[str]  # the name keys among them
    pronoun: bool
    text: str  # the name as written ("Vladimir Putin")
    phrase: str  # the whole noun phrase ("Russian President Vladimir Putin")
    index: int = -1  # token index of the head


@dataclass(frozen=True)
class Frame:
    """A predicate (verb, copula, or noun with a possessor) and its arguments by role."""

    pred: str
    index: int  # token index of the predicate
    word: str  # the predicate as written, lower case
    negated: bool
    roles: tuple[tuple[str, Arg], ...]  # (role, arg): subj, obj, poss, attr, prep:<word>

    def fillers(self, role: str) -> list[Arg]:
        """The arguments in `role`."""
        return [arg for r, arg in self.roles if r == role]

    @property
    def arg_keys(self) -> set[str]:
        """Every key of every argument."""
        return {k for _, arg in self.roles for k in arg.keys}


class Sentence:
    """A parsed claim or cited sentence, read for the checks.

    `known` are names (folded) the passages write mid-sentence: a sentence-initial capitalized
    word among them is a name too ("Hiles pleaded guilty").
    """

    def __init__(self, doc: Any, start: int = 0, known: frozenset[str] = frozenset()) -> None:
        self.doc = doc
        self.start = start  # offset of the text in its passage (0 for claims)
        self.text = plain(doc.text)
        self.known = known
        self._args: dict[int, Arg] = {}

    @cached_property
    def keys(self) -> list[str]:
        """The key of every token (empty for punctuation)."""
        return [token_key(t) for t in self.doc]

    @cached_property
    def names(self) -> set[str]:
        """Keys of capitalized words that are names here (not only sentence-initial)."""
        out: set[str] = set()
        for t in self.doc:
            if not _capitalized(t) or t.text.lower() in STOPWORDS:
                continue
            following = t.i + 1 < len(self.doc) and _capitalized(self.doc[t.i + 1])
            initial_name = following or t.dep_ in ("compound", "poss") or word(t) in self.known
            if not t.is_sent_start or initial_name:
                out.add(self.keys[t.i])
        return out

    @cached_property
    def words(self) -> set[str]:
        """Every word as written, lower case without accents (names compare on these)."""
        return {word(t) for t in self.doc if any(c.isalnum() for c in t.text)}

    @cached_property
    def content(self) -> set[str]:
        """Keys of the content words (no stopwords, no punctuation)."""
        return {k for t, k in zip(self.doc, self.keys, strict=True) if k and is_content(t)}

    @cached_property
    def frames(self) -> list[Frame]:
        """Every predicate with its arguments; an apposition ("Steven Blockmans, director of
        research, …") is read as the copula it stands for."""
        found = [f for t in self.doc if (f := self._frame(t)) is not None]
        for t in self.doc:
            description = self.keys[t.i] not in self.names and not t.like_num
            if t.dep_ == "appos" and self.keys[t.head.i] in self.names and description:
                roles = (("subj", self.arg(t.head)), ("attr", self.arg(t)))
                found.append(Frame(BE, t.i, "is", False, roles))
        return found

    @cached_property
    def mentions(self) -> list[Mention]:
        """Numbers and dates, with units."""
        return [m for t in self.doc if (m := mention(t, self.doc)) is not None]

    def arg(self, token: Any) -> Arg:
        """The argument headed by `token` (a relative pronoun stands for its antecedent)."""
        token = antecedent(token)
        cached = self._args.get(token.i)
        if cached is None:
            cached = self._args[token.i] = self._new_arg(token)
        return cached

    def _new_arg(self, token: Any) -> Arg:
        parts = [token] + [c for c in token.children if c.dep_ in ("compound", "flat", "amod")]
        named = [p for p in parts if self.keys[p.i] in self.names]
        names = frozenset(word(p) for p in named) | self._aliases(token)
        keys = frozenset(self.keys[p.i] for p in parts if self.keys[p.i])
        pronoun = token.lower_ in PRONOUNS or token.lower_ in POSSESSIVE_PRONOUNS
        shown = sorted([p for p in parts if p.dep_ != "amod" or p in named], key=lambda p: p.i)
        text = plain(" ".join(p.text for p in shown))
        span = self.doc[token.left_edge.i : token.right_edge.i + 1]
        phrase = plain(span.text) if len(span) <= 12 else text
        return Arg(self.keys[token.i], keys, names, pronoun, text, phrase, token.i)

    def _aliases(self, token: Any) -> frozenset[str]:
        """Names of what an apposition says the argument is ("the display, “The Arsenal of
        Democracy: …”")."""
        linked = [c for c in token.children if c.dep_ == "appos"]
        node = token
        while node.dep_ == "appos" and node.head.i != node.i:
            node = node.head
            linked.append(node)
        out = set()
        for other in linked:
            parts = [other] + [c for c in other.children if c.dep_ in ("compound", "flat")]
            out |= {word(p) for p in parts if self.keys[p.i] in self.names}
        return frozenset(out)

    def _frame(self, token: Any) -> Frame | None:
        if not self.keys[token.i] or (
            token.n_lefts + token.n_rights == 0 and token.dep_ not in ("xcomp", "conj")
        ):
            return None
        roles: list[tuple[str, Arg]] = []
        for child in token.children:
            for role, filler in self._roles(child):
                roles.append((role, self.arg(filler)))
                roles.extend((role, self.arg(c)) for c in filler.conjuncts if c.i > filler.i)
        if not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in token.children):
            roles.extend(self._inherited_subjects(token) or self._compound_subject(token))
        if not roles:
            return None
        pred = self.keys[token.i]
        if not pred:
            return None
        return Frame(pred, token.i, token.lower_, negated(token), tuple(roles))

    def _roles(self, child: Any) -> list[tuple[str, Any]]:
        dep = child.dep_
        if dep in _SUBJECT:
            return [("subj", child)]
        if dep in _OBJECT:
            return [("obj", child)]
        if dep in ("attr", "acomp"):
            return [("attr", child)]
        if dep == "poss":
            return [("poss", child)]
        if dep == "agent":  # "hit by a tree": the tree did the hitting
            return [("subj", g) for g in child.children if g.dep_ == "pobj"]
        if dep == "prep":
            word = child.lower_
            objects = [g for g in child.children if g.dep_ == "pobj"]
            role = "poss" if word == "of" else f"prep:{word}"
            # "vote for Trump over DeSantis": the parser hangs the comparison on either noun or
            # verb; it is the verb's either way.
            compared = [
                (f"prep:{c.lower_}", g)
                for o in objects
                for c in o.children
                if c.dep_ == "prep" and c.lower_ in _COMPARATIVE
                for g in c.children
                if g.dep_ == "pobj"
            ]
            return [(role, g) for g in objects] + compared
        return []

    def _compound_subject(self, token: Any) -> list[tuple[str, Arg]]:
        """ "Emily Blunt stars alongside …": the parser reads the verb as a noun with the name
        as its compound; a root -s word with a preposition and a name before it is that verb."""
        if token.dep_ != "ROOT" or not token.text.islower() or not token.lower_.endswith("s"):
            return []
        if not any(c.dep_ == "prep" for c in token.children):
            return []
        named = [
            c
            for c in token.children
            if c.dep_ == "compound" and c.i < token.i and self.keys[c.i] in self.names
        ]
        return [("subj", self.arg(named[-1]))] if named else []

    def _inherited_subjects(self, token: Any) -> list[tuple[str, Arg]]:
        """ "Iran began striking": striking's subject is began's; conjoined verbs share one
        ("Hiles pleaded guilty … and was sentenced": Hiles was sentenced)."""
        if token.dep_ not in ("xcomp", "conj") or token.head.i == token.i:
            return []
        head = token.head
        subjects = [c for c in head.children if c.dep_ in _SUBJECT | {"nsubjpass"}]
        if token.dep_ == "xcomp":
            objects = [c for c in head.children if c.dep_ in ("dobj", "dative")]
            subjects = objects or subjects  # "urged Putin to negotiate": Putin negotiates
        passive = any(c.dep_ == "auxpass" for c in token.children)
        out = []
        for subject in subjects:
            was_patient = subject.dep_ == "nsubjpass"
            role = (
                "obj" if passive else ("obj" if was_patient and token.dep_ == "xcomp" else "subj")
            )
            out.append((role, self.arg(subject)))
        return out


def antecedent(token: Any) -> Any:
    """What a relative pronoun stands for ("A&C Big Sky Aviation, which owned …" → Aviation;
    "Talinda Bennington, whose husband …" → Bennington); other tokens are themselves."""
    if token.lower_ not in _RELATIVE:
        return token
    node = token
    for _ in range(4):
        if node.dep_ == "relcl":
            return node.head
        if node.head.i == node.i:
            break
        node = node.head
    return token


def for_parsing(text: str) -> str:
    """`text` with the hyphen inside names like "Wan-an" or "Yeon-chul" made non-breaking, so
    the tokenizer keeps the name whole (same length: offsets stay valid)."""
    return _NAME_HYPHEN.sub(lambda m: f"{m.group(1)}{NB_HYPHEN}{m.group(2)}", text)


def plain(text: str) -> str:
    """Undo `for_parsing`."""
    return text.replace(NB_HYPHEN, "-")


def word(token: Any) -> str:
    """A token as written, lower case, accents and parse-time hyphens undone."""
    return fold(plain(token.text))


def token_key(token: Any) -> str:
    """The match key of a token: a number's value, "be" for copulas, "(say)" for speech verbs,
    else the lexical stem; empty for punctuation."""
    text = plain(token.text).replace("’", "'")
    low = text.lower()
    if token.is_punct or token.is_space or not any(c.isalnum() for c in text):
        return ""
    value = number_value(low)
    if value is not None:
        return value
    if low in _COPULAS and token.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "conj", "auxpass"):
        return BE
    if low in _COPULAS:
        return BE
    if low in SPEECH_WORDS:
        return SAY
    if low in ("n't", "not"):
        return "not"
    return stem(low)


def negated(token: Any) -> bool:
    """True when the predicate is negated: "not", "never", "no evidence", "declined to say"."""
    for child in token.children:
        if child.dep_ == "neg" or child.lower_ in NEGATIONS:
            return True
        if child.dep_ in ("dobj", "attr", "nsubj") and any(
            g.dep_ == "det" and g.lower_ == "no" and not _rank_mark(g) for g in child.children
        ):
            return True
        if child.dep_ in ("nsubj", "dobj") and child.lower_ in ("nobody", "nothing", "none"):
            return True
    head = token.head
    if token.dep_ == "xcomp" and head.lower_ in NEGATING_VERBS:
        return True
    if token.dep_ in ("acomp", "attr") and head.i != token.i:
        return any(c.dep_ == "neg" or c.lower_ in NEGATIONS for c in head.children)
    return False


def _rank_mark(token: Any) -> bool:
    """ "No." before a number ("No. 2 Michigan") is a rank, not a negation."""
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return nxt is not None and (nxt.text == "." or nxt.like_num)


def is_content(token: Any) -> bool:
    """A word that carries meaning (not punctuation, not a stopword)."""
    return _content_text(token.lower_)


@lru_cache(maxsize=65536)
def _content_text(low: str) -> bool:
    return any(c.isalnum() for c in low) and low not in STOPWORDS


def _capitalized(token: Any) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)
