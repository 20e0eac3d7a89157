"""Verify an answer: each sentence against the passages it cites, all parsed in one batch.

For each sentence the supporting text is found lexically (verbatim, else the best sentence or
two of the cited passages); then the sentence and that text are parsed (one `nlp.pipe` call for
the whole answer) and the named checks look for positive evidence against the claim. Without
any, the lexical score decides.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qa.models import Passage
from qa.verify.case import Case
from qa.verify.checks import CHECKS
from qa.verify.lexical import VERIFY_THRESHOLD, scores, terms
from qa.verify.lite import lite
from qa.verify.markers import parse_markers, split_lead_in
from qa.verify.model import CitationCheck, Finding, PassageFacts, SentenceVerdict, StoredQuote
from qa.verify.names import fold
from qa.verify.parse import Sentence, for_parsing, is_content
from qa.verify.support import Span, best_window, context

_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z0-9,;:)] )[A-Z][\w'’-]+")
_NOTE = re.compile(
    r"\b(do(es)? not (say|mention|answer|contain|give|state|quote)|don't (say|mention)|"
    r"no information|not (mentioned|stated)|cannot (answer|find)|only others|only report|"
    r"give this figure for|give different figures|could not be dated|were ignored)\b|^\s*note:",
    re.I,
)


@dataclass
class Timing:
    """Where verification time went, in milliseconds (for the benchmark): wall clock, and the
    CPU time of this thread (what the work costs when the machine is shared)."""

    parse_ms: float = 0.0
    checks_ms: float = 0.0
    select_ms: float = 0.0
    parse_cpu_ms: float = 0.0
    checks_cpu_ms: float = 0.0  # selecting the supporting text included


class _Parses:
    """An answer's parses, each read once into plain objects, and one `Sentence` per text and
    offset however many windows and claims it stands in."""

    def __init__(self, docs: dict[str, Any], known: frozenset[str]) -> None:
        self.docs = {text: lite(doc) for text, doc in docs.items()}
        self.known = known
        self._sentences: dict[tuple[str, int], Sentence] = {}

    def sentence(self, text: str, start: int) -> Sentence:
        """The parsed `text`, which starts at `start` in its passage (0 for a claim)."""
        key = (text, start)
        if key not in self._sentences:
            self._sentences[key] = Sentence(self.docs[text], start, self.known)
        return self._sentences[key]


@dataclass
class _Plan:
    """One sentence to judge: its windows (combined and per cited passage)."""

    index: int
    text: str
    body: str
    lead_in: tuple[str, str | None] | None
    cited: list[int]
    windows: dict[int | None, list[Span]] = field(default_factory=dict)  # None: all cited


def verify_answer(
    answer: str,
    passages: Sequence[Passage],
    facts: Mapping[int, PassageFacts] | None = None,
    nlp: Any = None,
    timing: Timing | None = None,
) -> list[SentenceVerdict]:
    """A verdict for every sentence of `answer` (markers [n] refer to `passages` by number).

    `facts` gives, per passage number, the quotes ingest stored for it and its article's date;
    a passage without an entry is checked without speakers (its Passage date is used).
    """
    timing = timing or Timing()
    started, cpu = time.perf_counter(), time.thread_time()
    by_n = {p.n: p for p in passages}
    facts = {n: _facts(by_n[n], (facts or {}).get(n)) for n in by_n}
    plans = _plan(answer, by_n)
    timing.select_ms += (time.perf_counter() - started) * 1000
    timing.checks_cpu_ms += (time.thread_time() - cpu) * 1000
    texts = _texts_to_parse(plans, by_n)
    parsed = _parse(texts, nlp, timing)
    started, cpu = time.perf_counter(), time.thread_time()
    parses = _Parses(parsed, known_names(p.text for p in passages))
    verdicts = [_judge_sentence(plan, by_n, facts, parses) for plan in plans]
    timing.checks_ms += (time.perf_counter() - started) * 1000
    timing.checks_cpu_ms += (time.thread_time() - cpu) * 1000
    return verdicts


def judge(case: Case, lexical: float) -> Finding | None:
    """The first check with evidence against the claim; else the lexical score decides."""
    for check in CHECKS:
        finding = check(case)
        if finding is not None:
            return finding
    if lexical >= VERIFY_THRESHOLD:
        return None
    return Finding("lexical", _missing_words(case))


def _plan(answer: str, by_n: dict[int, Passage]) -> list[_Plan]:
    texts = [p.text for p in by_n.values()]
    plans = []
    for index, text, cited in parse_markers(answer, set(by_n), texts):
        lead_in, body = split_lead_in(text)
        plan = _Plan(index, text, body, lead_in, cited)
        if cited:
            chosen = [by_n[n] for n in cited]
            plan.windows[None] = best_window(body, chosen)
            if len(cited) > 1:
                for n in cited:
                    plan.windows[n] = best_window(body, [by_n[n]])
        plans.append(plan)
    return plans


def _texts_to_parse(plans: list[_Plan], by_n: dict[int, Passage]) -> list[str]:
    texts: dict[str, None] = {}
    for plan in plans:
        if not plan.cited:
            continue
        texts[plan.body] = None
        for window in plan.windows.values():
            for span in context(window, by_n):
                texts[by_n[span.n].text[span.start : span.end]] = None
    return list(texts)


def _parse(texts: list[str], nlp: Any, timing: Timing) -> dict[str, Any]:
    if not texts:
        return {}
    if nlp is None:
        from index.nlp import load_nlp

        nlp = load_nlp()
    started, cpu = time.perf_counter(), time.thread_time()
    from index.nlp import parse

    docs = parse(nlp, [for_parsing(t) for t in texts], disable=("ner",))
    timing.parse_ms += (time.perf_counter() - started) * 1000
    timing.parse_cpu_ms += (time.thread_time() - cpu) * 1000
    return dict(zip(texts, docs, strict=True))


def _judge_sentence(
    plan: _Plan,
    by_n: dict[int, Passage],
    facts: dict[int, PassageFacts],
    parses: _Parses,
) -> SentenceVerdict:
    if not plan.cited:
        kind = "note" if _NOTE.search(plan.text) else "claim"
        reason = "a note, not a claim" if kind == "note" else "no citation: nothing supports it"
        return SentenceVerdict(plan.index, plan.text, [], False, reason, kind, check="citation")
    claim = parses.sentence(plan.body, 0)
    combined_window = plan.windows[None]
    combined = _judge_window(plan, claim, combined_window, by_n, facts, parses)
    results: dict[int | None, tuple[Finding | None, list[Span]]] = {
        None: (combined, combined_window)
    }
    covered = {s.n for s in combined_window}
    for key, window in plan.windows.items():
        if key is not None and (combined is not None or key not in covered):
            # a passage's own support is judged only when the combined one does not settle it
            results[key] = (_judge_window(plan, claim, window, by_n, facts, parses), window)
    checks = []
    for n in plan.cited:
        own = [s for s in combined_window if s.n == n]
        if own:
            finding, window = combined, own
        elif n in results:
            finding, window = results[n]
        else:
            finding, window = Finding("lexical", f"[{n}] holds none of the supporting text"), []
        checks.append(_citation_check(n, window, finding, by_n[n], facts[n]))
    verified = any(c.verified for c in checks)
    failed = None if verified else combined or next((c for c in checks if c.reason), None)
    reason = "supported by the cited text" if verified else (failed.reason if failed else "")
    check = failed.check if failed else ""
    return SentenceVerdict(
        plan.index,
        plan.text,
        plan.cited,
        verified,
        reason or "not supported",
        "claim",
        checks,
        check,
    )


def _judge_window(
    plan: _Plan,
    claim: Sentence,
    window: list[Span],
    by_n: dict[int, Passage],
    facts: dict[int, PassageFacts],
    parses: _Parses,
) -> Finding | None:
    if not window:
        return Finding("lexical", "the cited passages hold no text")
    for span in window:
        passage = by_n[span.n]
        if len(passage.text) != passage.end - passage.start:
            return Finding("offsets", f"[{span.n}]'s offsets do not match its text")
    window = context(window, by_n)
    texts = [by_n[s.n].text[s.start : s.end] for s in window]
    support = [parses.sentence(t, s.start) for t, s in zip(texts, window, strict=True)]
    quotes = [_local_quotes(facts[s.n].quotes, s) for s in window]
    published = next((facts[s.n].published_at for s in window if facts[s.n].published_at), None)
    case = Case(
        claim=claim,
        support=support,
        quotes=quotes,
        passage_text=" ".join(by_n[n].text for n in plan.cited),
        published_at=published,
        lead_in=plan.lead_in,
    )
    lexical = scores(terms(plan.body), terms(" ".join(texts)))[0]
    return judge(case, lexical)


def _citation_check(
    n: int, window: list[Span], finding: Finding | None, passage: Passage, facts: PassageFacts
) -> CitationCheck:
    if not window:
        reason, check = (finding.reason, finding.check) if finding else ("", "")
        return CitationCheck(n, 0, 0, "", False, reason, check=check)
    start, end = min(s.start for s in window), max(s.end for s in window)
    speakers = [q.speaker for q in facts.quotes if q.start < end and start < q.end]
    return CitationCheck(
        n=n,
        start=start,
        end=end,
        quote=passage.text[start:end],
        verified=finding is None,
        reason=finding.reason if finding else "",
        speaker=speakers[0] if len(set(speakers)) == 1 else None,
        check=finding.check if finding else "",
    )


def _local_quotes(quotes: Sequence[StoredQuote], span: Span) -> list[StoredQuote]:
    """The stored quotes overlapping `span`, in offsets of the span's own text."""
    return [
        StoredQuote(
            max(0, q.start - span.start), min(span.end, q.end) - span.start, q.speaker, q.direct
        )
        for q in quotes
        if q.start < span.end and span.start < q.end
    ]


def _facts(passage: Passage, given: PassageFacts | None) -> PassageFacts:
    if given is None:
        return PassageFacts((), passage.published_at)
    if given.published_at is None and passage.published_at:
        return PassageFacts(given.quotes, passage.published_at)
    return given


def known_names(texts: Iterable[str]) -> frozenset[str]:
    """Capitalized words the texts write mid-sentence: names, wherever else they stand."""
    return frozenset(fold(m.group()) for t in texts for m in _MID_SENTENCE_CAPITAL.finditer(t))


def _missing_words(case: Case) -> str:
    """A reason naming the claim's words the cited text lacks."""
    keys = case.support_keys
    missing = []
    for token in case.claim.doc:
        key = case.claim.keys[token.i]
        if key and key not in keys and token.text not in missing and is_content(token):
            missing.append(token.text)
    if not missing:
        return "the cited text does not state this"
    shown = ", ".join(f"“{w}”" for w in missing[:4])
    return f"the cited text does not state this (nothing for {shown})"
