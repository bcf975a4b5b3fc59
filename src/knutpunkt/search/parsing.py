"""Turning whatever a user typed into a safe search query.

We never hand user text to a full-text engine's own query language (FTS5 and
to_tsquery both have operators, quotes and column filters that turn input into syntax
errors or surprises). Instead the text is cut into words — runs of Unicode letters and
digits — here, and each backend builds its query from those words only:

- every word must match (AND), as a prefix ("bygg" finds "bygglov");
- "a quoted phrase" must match as consecutive words (no prefix);
- everything else (operators, parentheses, `*`, `-`, `:`, emoji, control characters)
  only separates words.

Input and the number of terms are capped so that a pasted page cannot make a query
that runs for minutes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT = 500
MAX_TERMS = 8
MAX_WORD = 60
MAX_PHRASE_WORDS = 6

# Words too common to narrow anything ("ansökan om bygglov"): dropped as single-word
# terms when other terms remain (kept inside phrases). Matching them as prefixes would
# make the database collect nearly every case for nothing.
STOP_WORDS = frozenset(
    "och i att det som en på är av för med till den har de inte om ett men så från vid eller the of and".split()
)

_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # lower-case; one word = a prefix term, several = a phrase

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def words(self) -> list[str]:
        return [w for t in self.terms for w in t.words]


def words_of(text: str) -> list[str]:
    """The words of a text as the search engines see them (lower-case)."""
    return [w for w in (_clean(m.group()) for m in _WORD.finditer(text or "")) if w]


def _clean(word: str) -> str:
    # Keep only letters and digits (a lone combining mark is not a word for FTS5's
    # tokenizer, and an empty quoted phrase must never reach it).
    word = unicodedata.normalize("NFC", word)
    word = "".join(ch for ch in word if unicodedata.category(ch)[0] in "LN")
    return word.lower()[:MAX_WORD]


def parse(text: str | None) -> ParsedQuery:
    text = (text or "")[:MAX_INPUT]
    terms: list[Term] = []
    seen: set[tuple[str, ...]] = set()

    def add(words: list[str]) -> None:
        key = tuple(words)
        if key and key not in seen and len(terms) < MAX_TERMS:
            seen.add(key)
            terms.append(Term(key))

    pos = 0
    for match in _PHRASE.finditer(text):
        for word in words_of(text[pos : match.start()]):
            add([word])
        phrase = words_of(match.group(1))[:MAX_PHRASE_WORDS]
        if len(phrase) > 1:
            add(phrase)
        elif phrase:
            add(phrase)
        pos = match.end()
    for word in words_of(text[pos:]):  # an unclosed quote is just a character
        add([word])
    useful = tuple(t for t in terms if t.is_phrase or t.words[0] not in STOP_WORDS)
    return ParsedQuery(useful or tuple(terms))
