"""The people an article names, where it mentions them, and who a mention stands for."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from index.names import (
    contains_in_order,
    drop_nickname,
    fold,
    looks_like_name,
    strip_titles,
    tokens,
    word_starts,
)
from index.quote_spans import paragraphs
from index.speech_words import SPEECH_VERBS

# Entity types that are not people: a subject tagged so is an unnamed speaker ("the Kremlin").
NOT_PEOPLE = frozenset(
    "ORG GPE NORP LOC FAC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE DATE TIME MONEY QUANTITY "
    "ORDINAL CARDINAL PERCENT".split()
)
_NAME_WORD = r"(?:[A-Z]\.)+|[A-Z][\w'’\-]*\.?"
_PRONOUN = re.compile(r"\b(?i:he|him|his|himself|she|her|hers|herself)\b")
_GENDER = dict.fromkeys(("he", "him", "his", "himself"), "he") | dict.fromkeys(
    ("she", "her", "hers", "herself"), "she"
)
_OTHER = {"he": "she", "she": "he"}


class People:
    """Names of people in one article, and each mention's position."""

    def __init__(
        self, text: str, names: Iterable[str] = (), quoted: Sequence[tuple[int, int]] = ()
    ) -> None:
        self.text = text
        self.names: set[str] = set()
        self.quoted = _merged(quoted)  # quotation spans: names inside them are not mentions
        self._quoted_starts = [start for start, _ in self.quoted]
        self.speakers: list[tuple[int, str]] = []  # where each named speaker was attributed
        self.subjects: list[int] = []  # offsets of grammatical subjects in parsed sentences
        self._mentions: list[tuple[int, str]] | None = None
        self._genders: dict[str, str | None] | None = None
        self._paragraph_starts: list[int] | None = None
        self._sentence_spans: list[tuple[int, int]] | None = None
        self._holders: dict[tuple[str, ...], list[str]] = {}  # folded words → names holding them
        self._written_at: dict[str, list[int]] = {}  # words → offsets where they are written
        self.add(names)

    @classmethod
    def from_parses(
        cls,
        text: str,
        parsed: Sequence[tuple[Any, Any]],
        quoted: Sequence[tuple[int, int]],
        nlp: Any = None,
    ) -> People:
        """People found by NER in the parsed units; a surname that speaks but was introduced in
        a sentence nobody parsed ("Chair Alison Couch …", later "Couch said") is looked up by
        running NER over that introducing sentence only."""
        people = cls(text, quoted=quoted)
        for _, doc in parsed:
            people.add(ent.text for ent in doc.ents if ent.label_ == "PERSON")
        for unit, doc in parsed:
            for token in doc:
                if token.dep_ in ("nsubj", "nsubjpass"):
                    people.subjects.append(unit.source(token.idx))
        unknown = {
            token.text: unit.source(token.idx)
            for unit, doc in parsed
            for token in doc
            if token.dep_ in ("nsubj", "nsubjpass")
            and _capitalized_single(token)
            and len(people.fullest(token.text, len(text)).split()) < 2
        }
        intros = {word: people._introduction(word, at) for word, at in unknown.items()}
        intros = {w: span for w, span in intros.items() if span is not None}
        if nlp is not None and intros:
            spans = sorted(set(intros.values()))
            from index.nlp import parse

            # NER has its own tok2vec in the English pipelines: names need neither the
            # shared tok2vec nor the parser.
            for doc in parse(nlp, [text[s:e] for s, e in spans], disable=("tok2vec", "parser")):
                people.add(ent.text for ent in doc.ents if ent.label_ == "PERSON")
        for word, at in unknown.items():  # NER found nothing: given name + surname
            if len(people.fullest(word, at).split()) < 2:
                full = people.introduced_as(word, at)
                if full:
                    people.add([full])
        if nlp is not None:
            people._parse_leads(parsed, nlp)
        return people

    def _parse_leads(self, parsed: Sequence[tuple[Any, Any]], nlp: Any) -> None:
        """Who "he" or "she" is often stands in the sentence before, which nobody parsed when it
        holds no quote or speech verb ("Talinda Bennington … offered her support." → "“We are
        here,” she wrote"): parse those sentences and count the person their main verb's subject
        names (or its possessor: "Bette Midler's heart went out …") as acting there."""
        from index.nlp import parse

        covered = [(unit.start, unit.end) for unit, _ in parsed]
        wanted = [unit.start for unit, doc in parsed if _pronoun_subject(unit, doc)]
        if not wanted:
            return
        sentences = self._sentences()
        ends = [end for _, end in sentences]
        leads = set()
        for start in wanted:
            before = bisect.bisect_right(ends, start) - 1
            if before < 0:
                continue
            lead = sentences[before]
            if not any(s < lead[1] and lead[0] < e for s, e in covered):
                leads.add(lead)
        spans = sorted(leads)
        for (start, _), doc in zip(spans, parse(nlp, [self.text[s:e] for s, e in spans])):
            self.add(ent.text for ent in doc.ents if ent.label_ == "PERSON")
            for token in doc:
                if token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ROOT":
                    self.subjects.append(start + token.idx)
                    owners = [c for c in token.children if c.dep_ == "poss"]
                    self.subjects.extend(start + c.idx for c in owners)

    def _introduction(self, word: str, before: int) -> tuple[int, int] | None:
        """The sentence-sized window where a surname first follows a capitalized word."""
        match = re.search(rf"(?:{_NAME_WORD})[ \t]+{re.escape(word)}\b", self.text)
        if match is None or match.start() > before:
            return None
        start = max(self.text.rfind("\n", 0, match.start()) + 1, match.start() - 200)
        end = self.text.find("\n", match.end())
        end = len(self.text) if end < 0 else min(end, match.end() + 200)
        return start, end

    def add(self, names: Iterable[str]) -> None:
        """Record names (titles dropped); things that are not names are ignored."""
        for name in names:
            clean = strip_titles(drop_nickname(name))
            if clean and clean not in self.names and looks_like_name(clean):
                self.names.add(clean)
                self._mentions = None
                self._genders = None
                self._holders.clear()

    def introduced_as(self, word: str, before: int) -> str | None:
        """The full name a bare surname was introduced with earlier ("Chair Alison Couch" →
        "Alison Couch"): the given name before it, with a middle initial if there is one."""
        pattern = re.compile(rf"(?:({_NAME_WORD})[ \t]+)?({_NAME_WORD})[ \t]+{re.escape(word)}\b")
        best = None
        for match in pattern.finditer(self.text, 0, max(before, 0) + len(word)):
            first, given = match.group(1), match.group(2)
            initial = re.fullmatch(r"(?:[A-Z]\.)+", given) is not None
            words = [first, given, word] if initial and first else [given, word]
            candidate = strip_titles(" ".join(w for w in words if w))
            if len(candidate.split()) >= 2 and looks_like_name(candidate):
                best = candidate
        return best

    def fullest(self, mention: str, at: int) -> str:
        """The fullest name holding every word of `mention`; when several people share those
        words ("Kim"), the one named in full most recently before `at`."""
        short = strip_titles(drop_nickname(mention))
        want = _folded_words(short)
        matches = [n for n in self._holding(want) if len(_folded_words(n)) > len(want)]
        if not matches:
            return short
        if len(matches) == 1:
            return matches[0]
        return max(matches, key=lambda n: (self._last_before(n, at), len(n)))

    def is_person(self, name: str) -> bool:
        """Whether the article names this person (in any form)."""
        return bool(self._holding(_folded_words(name)))

    def _holding(self, want: tuple[str, ...]) -> list[str]:
        """The known names whose words hold `want` (see `_holds`), remembered until a name is
        added: the same few short forms are looked up for every mention."""
        if want not in self._holders:
            self._holders[want] = [n for n in sorted(self.names) if _holds(n, want)]
        return self._holders[want]

    def record_speaker(self, at: int, name: str) -> None:
        """Remember that a named person spoke at offset `at` (text order)."""
        self.speakers.append((at, name))

    def resolve_pronoun(self, at: int) -> str | None:
        """Who "he" or "she" at offset `at` is: the person who last spoke or was last named as
        the subject of a parsed sentence; else the person mentioned last. Names inside
        quotations never count ("“…Kim Il Sung’s birthday…,” he told …")."""
        spoke = [(pos, name) for pos, name in self.speakers if pos < at]
        subjects = set(self.subjects)
        earlier = [(pos, name) for pos, name in self.mentions() if pos < at]
        acting = spoke + [(pos, name) for pos, name in earlier if pos in subjects]
        word = _PRONOUN.match(self.text, at)
        wanted = _GENDER.get(word.group().lower()) if word else None
        if wanted:  # "she" is not the man who last spoke, when the article says he is a "he"
            agreeing = [(pos, name) for pos, name in acting if self._gender(name) != _OTHER[wanted]]
            acting = agreeing or acting
        if acting:
            return max(acting)[1]
        return earlier[-1][1] if earlier else None

    def _gender(self, name: str) -> str | None:
        """ "he" or "she", as the article refers to this person: a pronoun outside quotations in
        a sentence where this person is the only one named before it votes; None if undecided."""
        if self._genders is None:
            mentions = self.mentions()
            starts = [pos for pos, _ in mentions]
            votes: dict[str, dict[str, int]] = {}
            for start, end in self._sentences():
                first = bisect.bisect_left(starts, start)
                for match in _PRONOUN.finditer(self.text, start, end):
                    if self._in_quote(match.start()):
                        continue
                    last = bisect.bisect_left(starts, match.start())
                    named = {n for _, n in mentions[first:last]}
                    if len(named) == 1:
                        tally = votes.setdefault(named.pop(), {"he": 0, "she": 0})
                        tally[_GENDER[match.group().lower()]] += 1
            self._genders = {
                n: "he" if t["he"] > t["she"] else "she" if t["she"] > t["he"] else None
                for n, t in votes.items()
            }
        return self._genders.get(name)

    def resolve_role(self, role: str, at: int, phrase: str = "") -> str | None:
        """Who "the minister" or "the former Russian president" is: the one person the article
        gives that role as a title ("Unification Minister Kim Yeon-chul") or in an apposition
        ("Medvedev, the former President of Russia"), mentioned before `at`. Two people with
        the role (a story about two presidents) leave it unresolved."""
        word = re.escape(fold(role))
        wanted = _modifiers(phrase, role)
        holders = set()
        for pos, name in self.mentions():
            if pos >= at:
                break
            before = fold(self.text[max(0, pos - 40) : pos])
            after = fold(self.text[pos : pos + len(name) + 60])
            titled = re.search(rf"\b{word}\.?\s+(?:\S+\s+){{0,2}}$", before)
            apposed = re.search(rf"^[^,]*,\s+(?:a|an|the)\s+(?:\S+\s+){{0,3}}{word}\b", after)
            said = (titled and before) or (apposed and after) or ""
            if said and all(w in said.split() for w in wanted):
                holders.add(name)
        if not holders:  # introduced in a sentence nobody parsed: "… President Dmitry Medvedev"
            holders = self._titled(role, at, wanted)
        return holders.pop() if len(holders) == 1 else None

    def _titled(self, role: str, at: int, wanted: list[str]) -> set[str]:
        """Names written right after the role as a title before `at`, outside quotations, with
        the role phrase's other words (`wanted`) just before it ("the former Russian president"
        → "former Russian President Dmitry Medvedev", not "President Donald Trump")."""
        pattern = re.compile(
            rf"\b(?i:{re.escape(role)})\.?[ \t]+((?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{1,2}})"
        )
        found = set()
        for match in pattern.finditer(self.text, 0, max(at, 0)):
            if self._in_quote(match.start()):
                continue
            before = fold(self.text[max(0, match.start() - 40) : match.start()]).split()
            if any(w not in before for w in wanted):
                continue
            written = match.group(1)
            if len(written.split()[-1]) > 2:
                written = written.rstrip(".")  # the sentence's full stop, not an initial
            name = strip_titles(written)
            if len(name.split()) >= 2 and looks_like_name(name):
                found.add(name)
        return found

    def _paragraphs_back(self, paragraph_start: int, count: int) -> int:
        """Start of the paragraph `count` paragraphs before the one at `paragraph_start`."""
        if self._paragraph_starts is None:
            self._paragraph_starts = [start for start, _ in paragraphs(self.text)]
        index = bisect.bisect_right(self._paragraph_starts, paragraph_start) - 1
        return self._paragraph_starts[max(index - count, 0)] if self._paragraph_starts else 0

    def mentions(self) -> list[tuple[int, str]]:
        """(offset, fullest name) of each mention of a known person by full name, first name or
        surname, outside quotations."""
        if self._mentions is None:
            found: list[tuple[int, str]] = []
            for name in self.names:
                for form in {name, name.split()[-1], name.split()[0]}:
                    if len(form) < 2:
                        continue
                    found += [
                        (at, self.fullest(form, at))
                        for at in self._written(form)
                        if not self._in_quote(at)
                    ]
            self._mentions = sorted(found)
        return self._mentions

    def _sentences(self) -> list[tuple[int, int]]:
        """The article's sentence spans, split once."""
        if self._sentence_spans is None:
            from index.sentences import split_sentences

            self._sentence_spans = split_sentences(self.text)
        return self._sentence_spans

    def _in_quote(self, at: int) -> bool:
        index = bisect.bisect_right(self._quoted_starts, at) - 1
        return index >= 0 and at < self.quoted[index][1]

    def _last_before(self, name: str, at: int) -> int:
        """Where `name` is last written before offset `at` (-1: nowhere)."""
        starts = self._written(name)
        index = bisect.bisect_left(starts, at)
        return starts[index - 1] if index else -1

    def _written(self, words: str) -> list[int]:
        """Offsets where `words` are written as whole words (remembered: the mention list is
        rebuilt whenever a name is added, and the same forms come back each time)."""
        if words not in self._written_at:
            self._written_at[words] = word_starts(self.text, words)
        return self._written_at[words]


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _modifiers(phrase: str, role: str) -> list[str]:
    """The words a role phrase adds to its role ("the former Russian president" → former,
    russian): a holder's title or apposition must say them too."""
    return [w for w in (fold(t) for t in tokens(phrase)) if w not in ("the", "this", fold(role))]


@lru_cache(maxsize=8192)
def _folded_words(name: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in tokens(name))


def _holds(name: str, want: tuple[str, ...]) -> bool:
    """Whether the name's words contain `want` as a run, or as its first and last word."""
    return contains_in_order(_folded_words(name), want)


def _capitalized_single(token: Any) -> bool:
    """A capitalized one-word subject that may be a surname: not an organisation or place, or
    one NER calls an organisation while it speaks ("“…,” Shumate acknowledged": the small
    English pipeline often tags a surname ORG; only a person's full introduction is taken)."""
    if not (token.text[:1].isupper() and token.text.isalpha()):
        return False
    speaks = token.head.lower_ in SPEECH_VERBS and not token.text.isupper()  # not "CDC"
    return token.ent_type_ not in NOT_PEOPLE or (token.ent_type_ == "ORG" and speaks)


def _pronoun_subject(unit: Any, doc: Any) -> bool:
    """Whether "he" or "she" outside the quoted words is a subject in this parsed unit."""
    return any(
        token.lower_ in ("he", "she")
        and token.dep_ in ("nsubj", "nsubjpass")
        and not unit.in_quote(token.idx)
        for token in doc
    )
