"""The offline answerer: picks the passage sentences that best answer the question, verbatim."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.sentences import ANSWER_ABBREVIATIONS, split_sentences
from qa.backends.figures import DIFFERENT_FIGURES, dated_lead_in, disagree, newest_first
from qa.backends.speaker_answer import (
    Statement,
    lead_in,
    names_speaker,
    not_quoted,
    quiet_on_topic,
    speaker_answer,
)
from qa.citations import STOPWORDS, Term, parse_markers, terms
from qa.injection import CITATION_LIKE, find_injections, injection_note
from qa.models import Passage
from qa.question import question_kind

Message = dict[str, str]

_CALL = re.compile(r"\b(call|address|describ|refer(?!endum))\w*", re.I)
_SAY = re.compile(
    r"\b(say|says|said|saying|tells?|told|telling|stat(ed|ing)|not(ed|ing)|remark\w*|declar\w*|"
    r"urg(ed|ing)|warn(ed|ing)|emphasi[sz](ed|ing)|add(ed|ing))\b",
    re.I,
)
_QUOTED = re.compile(r"“[^”]{3,}”|\"[^\"]{3,}\"")
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# A whole sentence, not a headline or caption: it starts like one and ends with a full stop.
_SENTENCE = re.compile(r"^[\"'“‘(\[]?[A-Z0-9].*[.!?…][\"'”’)\]]*$", re.S)
# Question words that stand for "the people in the story": any named sentence satisfies them.
_PEOPLE = frozenset("leader official president minister spokesman spokeswoman people".split())
_SPEECH_KEYS = frozenset({"(say)", "call", "address", "describ", "refer"})
_FOLLOWUP = re.compile(r"^\s*(and\s+what\s+about|what\s+about|how\s+about|and|also)\b[\s,]*", re.I)
_PRONOUN = re.compile(r"\b(he|she|they|him|them|his|her|their|it|its)\b", re.I)
_ABOUT = re.compile(r"^(.*\b(?:about|regarding|concerning)\s+)(.+?)\s*[?.!]*\s*$", re.I | re.S)
_IMPERATIVES = frozenset("list explain summarize give show name compare".split())
_MORE = re.compile(r"^\s*(tell me more|more|go on|continue|elaborate|more details)\W*$", re.I)
_QUESTION_WORDS = re.compile(
    r"^\s*(who|what|when|where|why|how|which|did|does|do|is|are|was|were|tell)\b", re.I
)


@dataclass(frozen=True)
class _Sentence:
    """A candidate answer sentence: its passage (and rank) and its content-term keys."""

    rank: int
    passage: Passage
    start: int
    end: int
    keys: frozenset[str]
    named: bool

    @property
    def text(self) -> str:
        """The sentence, verbatim from the passage."""
        return self.passage.text[self.start : self.end]


class ExtractiveBackend:
    """Answers with the passages' own sentences, each cited, so every citation verifies."""

    name = "extractive"
    streams = False

    def __init__(self, max_sentences: int = 3) -> None:
        self.max_sentences = max_sentences

    def generate(
        self, question: str, passages: list[Passage], history: list[Message] | None = None
    ) -> Iterator[str]:
        """Yield the answer text (markers included); yields nothing when no sentence answers.

        A question about someone's words is answered with their stored quotes (direct first,
        then reported), each with the speaker and date as a lead-in."""
        answer = speaker_answer(question, passages, self.max_sentences)
        if answer is None:
            chosen = sorted(self._select(question, passages), key=lambda s: (s.rank, s.start))
            quiet = quiet_on_topic(question, passages)
            if quiet is not None:  # an answer about what X said must be about X
                chosen = [s for s in chosen if names_speaker(s.text, quiet)]
                if not chosen:
                    yield not_quoted(quiet)
                    return
            if not chosen:
                return
            if disagree(chosen):
                answer = _newest_first(chosen)
            else:
                pieces = [_attributed(s) for s in chosen]
                answer = " ".join(pieces)
                if len(parse_markers(answer, {s.passage.n for s in chosen})) != len(chosen):
                    answer = "\n".join(pieces)  # a newline always ends a sentence (after "U.S.")
        note = injection_note(passages)
        yield f"{answer}\n{note}" if note else answer

    def _select(self, question: str, passages: list[Passage]) -> list[_Sentence]:
        """The best non-redundant answering sentences, best first."""
        query = _query_terms(question)
        topic = {t.key for t in query if t.kind in ("word", "num") and t.key not in _PEOPLE}
        candidates = _candidates(passages)
        if not query or not candidates:
            return []
        idf = _idf(query, candidates)
        weights = {t.key: idf[t.key] * _boost(t) for t in query}
        total = sum(weights.values())
        topic_total = sum(weights[k] for k in topic)
        speech = bool(_CALL.search(question) or _SAY.search(question))
        when = bool(re.match(r"\s*when\b", question, re.I))
        kind = question_kind(question)
        if kind and "(say)" in weights:  # "where was Putin speaking from": speaking is the topic
            topic = {*topic, "(say)"}
            topic_total = sum(weights[k] for k in topic)
        names = {t.key for t in query if t.kind == "name"}
        passage_keys: dict[int, set[str]] = {}
        for sentence in candidates:
            passage_keys.setdefault(sentence.rank, set()).update(sentence.keys)
        scored = []
        for sentence in candidates:
            hits = {k for k in weights if _matches(k, sentence)}
            if names and not hits & names:
                hits.discard("(say)")  # "she said" is not what the named person said
            if topic and not hits & topic:
                continue  # the subject without the topic answers another question
            if not hits - {"(say)"} and not (speech and hits):
                continue
            score = sum(weights[k] for k in hits) / total
            if speech and (not names or hits & names):
                score *= 1 + _speech_bonus(question, sentence.text)
            if when and _DATE.search(sentence.text):
                score *= 1.3
            fact = _fact_bonus(kind, sentence)
            score *= fact
            if kind and _shares_phrase(question, sentence.text):
                score *= 1.5  # "speaking from" in "where was Putin speaking from …"
            if names & passage_keys[sentence.rank]:
                score *= 1.25  # the passage is about the person asked about
            score += 0.1 / (1 + sentence.rank)
            on_topic = sum(weights[k] for k in hits & topic) / topic_total if topic else 1.0
            if fact >= 2.0 and hits & names:
                on_topic = 1.0  # it holds what a where/when/who question asks, about its subject
            scored.append((score, on_topic, sentence))
        if any(_dated(item[2]) for item in scored):
            # "What happened in February 2022?": sentences dating something in the range answer
            # it; others only share its words ("fiscal year 2022")
            scored = [item for item in scored if _dated(item[2])]
        scored.sort(key=lambda item: (-item[0], item[2].rank, item[2].start))
        # A sentence holding under half the topic the best one holds is off the point.
        # ("Where …" questions look for the place more than for every topic word.)
        floor = (0.25 if kind in ("place", "date") else 0.5) * max(
            (item[1] for item in scored), default=0.0
        )
        chosen: list[_Sentence] = []
        for _, on_topic, sentence in scored:
            if len(chosen) == self.max_sentences:
                break
            if on_topic >= floor and not any(_similar(sentence, other) for other in chosen):
                chosen.append(sentence)
        return chosen

    def rewrite_followup(self, question: str, history: list[Message]) -> str:
        """A standalone question: carry the previous user question's subject into a follow-up.

        Earlier user turns are rewritten first, so follow-ups chain. A question is a follow-up
        when it starts with "and", "also", "what about" or "how about", has a pronoun but no
        name of its own, or has at most four words and no name. Then: the previous question's
        trailing topic ("… about trade") is replaced by the new topic ("what about energy?" →
        "what did Putin say about energy?"); else pronouns become the previous question's names;
        else those names (or its content words) are appended in parentheses. A bare year ("and in
        2023?") replaces the previous question's year; "tell me more" repeats it.
        """
        previous = ""
        for turn in history:
            if turn.get("role") == "user":
                previous = _standalone(str(turn.get("content", "")), previous)
        return _standalone(question, previous)


def _standalone(question: str, previous: str) -> str:
    """`question` made to stand alone using the (already standalone) `previous` question."""
    question = question.strip()
    names = _names(question)
    prefixed = _FOLLOWUP.match(question)
    words = re.findall(r"\w+", question)
    pronoun = _PRONOUN.search(question)
    if previous and _MORE.match(question):
        return previous
    if not previous or not (prefixed or (pronoun and not names) or (len(words) <= 4 and not names)):
        return question
    topic = question[prefixed.end() :] if prefixed else question
    topic = topic.strip().rstrip("?.! ")
    about = _ABOUT.match(previous)
    year = re.fullmatch(r"(?:in\s+)?((?:19|20)\d\d)", topic, re.I)
    if year and re.search(r"\b(19|20)\d\d\b", previous):
        return re.sub(r"\b(19|20)\d\d\b(?!.*\b(19|20)\d\d\b)", year.group(1), previous)
    if topic and about and (prefixed or not _QUESTION_WORDS.match(topic)):
        return f"{about.group(1)}{topic}?"
    content = [w for w in re.findall(r"[\w'’-]+", previous) if w.lower() not in STOPWORDS]
    subject = " and ".join(_names(previous)) or " ".join(content[:4])
    if pronoun and not names and _names(previous):
        return _PRONOUN.sub(lambda m: _replace_pronoun(m.group(0), subject, about), question)
    return f"{question.rstrip('?.! ')} ({subject})?" if subject else question


def _replace_pronoun(pronoun: str, subject: str, about: re.Match[str] | None) -> str:
    """The previous subject in place of a pronoun; "it" stands for the previous topic."""
    low = pronoun.lower()
    if low in ("it", "its") and about:
        topic = about.group(2)
        return f"{topic}'s" if low == "its" else topic
    return f"{subject}'s" if low in ("his", "her", "their", "its") else subject


def _names(text: str) -> list[str]:
    """Capitalized words in `text` that are names (not a question's opening word)."""
    found = []
    for match in re.finditer(r"\b[A-Z][\w'’.-]*", text):
        word = re.sub(r"['’]s$", "", match.group())
        word = word if "." in word[:-1] else word.rstrip(".")
        opening = not text[: match.start()].strip()
        if word.lower() in STOPWORDS or word in found:
            continue
        if opening and (_QUESTION_WORDS.match(word) or _SAY.match(word) or _CALL.match(word)):
            continue
        if not (opening and word.lower() in _IMPERATIVES):
            found.append(word)
    return found


def _query_terms(question: str) -> list[Term]:
    """The question's content terms; speech verbs ("call", "describe") become "(say)"."""
    out: dict[str, Term] = {}
    for term in terms(question):
        if term.key in _SPEECH_KEYS:
            term = Term("(say)", "light", term.capital, term.initial)
        if term.kind == "polar" and term.key == "(not)":
            continue  # "not" in a question ("why did they not…") is no topic
        out.setdefault(term.key, term)
    return list(out.values())


def _candidates(passages: list[Passage]) -> list[_Sentence]:
    """Every whole sentence of the passages, once each, except instructions addressed to an AI.

    A passage holding injected instructions keeps its other sentences: they may still answer.
    A sentence with a citation-like "[2]" is skipped too: quoted, it would forge a citation.
    """
    seen: set[tuple[str, int]] = set()
    out: list[_Sentence] = []
    for rank, passage in enumerate(passages):
        injected = find_injections(passage.text)
        for start, end in split_sentences(passage.text, ANSWER_ABBREVIATIONS):
            where = (passage.article_id, passage.start + start)
            if where in seen or not _SENTENCE.match(passage.text[start:end]):
                continue
            if any(s < end and start < e for s, e in injected):
                continue
            if CITATION_LIKE.search(passage.text, start, end):
                continue
            sentence_terms = terms(passage.text[start:end])
            if len(sentence_terms) < 2:
                continue
            seen.add(where)
            keys = frozenset(t.key for t in sentence_terms)
            named = any(t.kind == "name" for t in sentence_terms)
            out.append(_Sentence(rank, passage, start, end, keys, named))
    return out


def _idf(query: list[Term], candidates: list[_Sentence]) -> dict[str, float]:
    """Inverse sentence frequency of each query term over the candidate sentences."""
    n = len(candidates)
    return {
        t.key: math.log((n + 1) / (sum(_matches(t.key, s) for s in candidates) + 0.5))
        for t in query
    }


def _boost(term: Term) -> float:
    """Names and numbers shared with the question count double; "said" counts half."""
    return {"name": 2.0, "num": 2.0, "light": 0.5}.get(term.kind, 1.0)


def _matches(key: str, sentence: _Sentence) -> bool:
    """True when the sentence holds the query term (people-words match any named sentence)."""
    if key in sentence.keys or (key in _PEOPLE and sentence.named):
        return True
    return len(key) >= 5 and any(
        len(k) >= 5 and (k.startswith(key) or key.startswith(k)) for k in sentence.keys
    )


def _speech_bonus(question: str, text: str) -> float:
    """Direct quotes and reporting verbs of the question's kind answer "what did X say/call"."""
    bonus = 0.3 if _QUOTED.search(text) else 0.0
    family = _CALL if _CALL.search(question) else _SAY
    if family.search(text):
        return bonus + 0.2
    return bonus + (0.1 if _CALL.search(text) or _SAY.search(text) else 0.0)


# spaCy labels of the names that answer where / who / how much questions.
_KIND_LABELS = {
    "place": {"GPE", "LOC", "FAC", "ORG"},
    "person": {"PERSON"},
    "number": {"MONEY", "PERCENT", "QUANTITY", "CARDINAL"},
    "date": {"DATE", "TIME"},
}


_LOCATIVE = (
    r"\b(?:in|at|from|outside|near|inside|into|across)\s+(?:(?:the|his|her|their|its|a)\s+)?"
)


def _dated(sentence: _Sentence) -> bool:
    """Whether the sentence dates something inside the question's date range (stored at
    ingest; only filled in when the question has date words)."""
    at = sentence.passage.start + sentence.start
    return any(s <= at < e for s, e in sentence.passage.dated)


def _fact_bonus(kind: str | None, sentence: _Sentence) -> float:
    """Sentences holding what the question asks for: a place for "where", a date for "when",
    a person for "who", a number for "how much" (names from the ingest parse); and sentences
    that date something inside the question's date range."""
    bonus = 1.0
    passage, text = sentence.passage, sentence.text
    if _dated(sentence):
        bonus *= 1.5
    if kind is None:
        return bonus
    labels = _KIND_LABELS[kind]
    held = any(label in labels and name in text for name, label in passage.names)
    if (
        kind == "place"
    ):  # a place the sentence puts someone in: "from his … residency outside Moscow"
        held = any(
            label in labels and re.search(_LOCATIVE + re.escape(name), text)
            for name, label in passage.names
        )
    if kind == "number" and re.search(r"\d", text):
        held = True
    if kind == "date" and _DATE.search(text):
        held = True
    return bonus * (2.0 if held else 1.0)


def _shares_phrase(question: str, text: str) -> bool:
    """Whether the sentence repeats a two-word phrase of the question (not two stopwords)."""
    words = re.findall(r"[\w'’-]+", question.lower())
    low = text.lower()
    return any(
        f"{a} {b}" in low
        for a, b in zip(words, words[1:], strict=False)
        if a not in STOPWORDS and len(a) > 3
    )


def _similar(a: _Sentence, b: _Sentence) -> bool:
    """Jaccard similarity of content terms above 0.6: the second sentence adds little, unless
    another article gives another figure (then both are shown, newest first)."""
    union = a.keys | b.keys
    if not union or len(a.keys & b.keys) / len(union) <= 0.6:
        return False
    return not disagree([a, b])


def _newest_first(chosen: list[_Sentence]) -> str:
    """Articles that disagree on a figure: the newest report leads, each line with its date."""
    lines = []
    for sentence in newest_first(chosen):
        line = _attributed(sentence)
        if not line.startswith(sentence.text):  # a speaker lead-in already dates it
            lines.append(line)
        else:
            passage = sentence.passage
            lines.append(dated_lead_in(sentence.text, passage.n, passage.published_at))
    return "\n".join([*lines, DIFFERENT_FIGURES])


def _attributed(sentence: _Sentence) -> str:
    """The cited sentence; a quote that does not name its speaker gets the speaker and date as a
    lead-in, so nobody's words are shown as the article's (or someone else's)."""
    passage = sentence.passage
    for span in passage.spoken:
        overlaps = (
            span.start - passage.start < sentence.end and sentence.start < span.end - passage.start
        )
        if not (overlaps and span.direct and span.named):
            continue
        if any(part in sentence.text for part in span.speaker.split() if len(part) > 2):
            break
        statement = Statement(passage, span, sentence.start, sentence.end)
        return lead_in(statement)
    return f"{sentence.text} [{passage.n}]"
