"""Read a question against the index: whose words it asks for, and which dates it means.

Date words become a filter shown to the user; they never exclude an article on its publication
date alone (a sentence dating an event in the range qualifies it too). The user's own
since/until stay hard filters and win. Relative words count back from the newest indexed
article unless the user's clock (`now`) is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from index.catalog import Filters
from index.names import fold
from qa.date_words import DatePhrase, around_event, find_date_phrase, without_phrase
from qa.question import SpeakerQuestion, question_kind, speaker_question


@dataclass(frozen=True)
class Reading:
    """What a question asks for, and the filters retrieval uses for it."""

    speaker: SpeakerQuestion | None
    kind: str | None  # place / date / number / person
    phrase: DatePhrase | None
    filters: Filters
    note: str | None = None  # e.g. an event phrase no indexed sentence dates

    def filters_json(self) -> dict[str, Any]:
        """The `filters` object of `qa ask --json` and `/ask`."""
        f = self.filters
        from_question = None
        if self.phrase is not None and f.dated is not None:
            from_question = {
                "phrase": self.phrase.phrase,
                "from": _iso(f.dated[0]),
                "to": _iso(f.dated[1]),
            }
        return {
            "since": _iso(f.since),
            "until": _iso(f.until),
            "outlets": list(f.outlets),
            "article_ids": list(f.article_ids),
            "from_question": from_question,
        }

    def without_date_words(self, question: str) -> str:
        """The question without the date phrase this reading turned into a filter."""
        return without_phrase(question, self.phrase.phrase) if self.phrase else question

    def searched(self) -> str | None:
        """The line shown to the user: "searched articles from 2022-02-01 to 2022-02-28"."""
        info = self.filters_json()["from_question"]
        if info is None:
            return self.note
        start, end = info["from"], info["to"]
        if start and end:
            span = f"from {start} to {end}" if start != end else f"of {start}"
        else:
            span = f"from {start} on" if start else f"up to {end}"
        return f"searched articles {span} (“{info['phrase']}”)"


def read_question(
    question: str, index: Any, filters: Filters | None = None, now: date | None = None
) -> Reading:
    """The question's speaker, kind and date phrase, with the filters they imply."""
    filters = filters or Filters()
    catalog = index.catalog
    clock = now or catalog.newest_date() or date.today()
    phrase = find_date_phrase(question, clock)
    # "What did Putin say last week?" asks for Putin's words in a range: the date words are a
    # filter, not the topic (nor part of the name).
    bare = without_phrase(question, phrase.phrase) if phrase is not None else question
    speaker = speaker_question(bare, lambda name: _known_speaker(catalog, name))
    kind = question_kind(question)
    note = None
    if phrase is not None and phrase.event:
        dated = _event_date(catalog, phrase.event)
        if dated is None:
            note = (
                f"could not date “{phrase.event}” from the indexed articles, so no date filter "
                "was used"
            )
            phrase = None
        else:
            phrase = around_event(phrase, dated)
    hard = filters.since is not None or filters.until is not None
    if phrase is not None and not hard and (phrase.start or phrase.end):
        filters = replace(filters, dated=(_int(phrase.start), _int(phrase.end)))
    return Reading(speaker, kind, phrase, filters, note)


def _known_speaker(catalog: Any, name: str) -> bool:
    """Whether any stored speaker has every word of `name` as a whole word."""
    from index import facts

    words = [fold(w) for w in name.split()]
    return bool(words) and bool(facts.search_quotes(catalog.reader, speaker_words=words, limit=1))


def _event_date(catalog: Any, event: str) -> date | None:
    """The date an indexed sentence states for an event ("the inauguration on 20 January")."""
    words = [w for w in re.findall(r"\w+", event.lower()) if len(w) > 3][:3]
    if not words:
        return None
    stem = words[0][:-1] if len(words[0]) > 5 else words[0]  # inauguration ~ inaugurated
    rows = catalog.reader.execute(
        "SELECT a.text, d.sentence_start, d.sentence_end, d.date_from, d.date_to "
        "FROM event_dates d JOIN articles a ON a.id = d.article_id "
        "WHERE instr(lower(a.text), ?) > 0 ORDER BY a.published_int DESC",
        (stem[:8],),
    )
    for text, start, end, first, last in rows:
        sentence = text[start:end].lower()
        if all(w[: max(5, len(w) - 3)] in sentence for w in words) and first == last:
            value = str(first)
            return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    return None


def _int(day: date | None) -> int | None:
    return int(day.strftime("%Y%m%d")) if day else None


def _iso(value: int | None) -> str | None:
    if value is None:
        return None
    text = str(value)
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}"
