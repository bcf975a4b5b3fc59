"""Cutting text into words inside PostgreSQL, exactly as search.parsing.words_of does,
for the bulk rebuild (PostgresEngine.index_select): the rows then never travel to
Python and back.

Python's rules (runs of Unicode letters and digits, NFC, lower-cased, 60 characters at
most) cannot be written in SQL for every character without depending on the
database's locale. So the SQL handles only texts made of characters for which it
provably agrees with Python, and hands every other row back to be built in Python:

- the characters allowed are the Latin ones of Latin-1 and Latin Extended-A, general
  punctuation and currency signs — Swedish text, nearly always;
- a word character is whatever Python's own regular expression calls one (the sets
  are computed from Python's Unicode tables when this module loads, not typed in);
- lower-casing is `lower(… COLLATE "C")` (ASCII only, the same in every locale) and a
  `translate` of the few non-ASCII capitals in UPPER; other capitals (Ł, Š …) send the
  row to Python;
- a row with a word longer than MAX_WORD, or a field longer than the vector limit,
  goes to Python too (it would be cut there).

Regular-expression ranges in PostgreSQL compare code points, and translate and btrim
work on characters, so none of this depends on LC_CTYPE or the collation.
tests/search/test_rebuild.py checks the agreement on random text.
"""

from __future__ import annotations

import re
import unicodedata

from ..parsing import MAX_WORD

MAX_FIELD = 100_000  # = postgres.MAX_VECTOR_TEXT: a longer field's words would be cut
UPPER = "ÅÄÖÉÜÆØ"  # non-ASCII capitals lowered in SQL (the common ones in Swedish text)

_CANDIDATES = [*range(0x01, 0x180), *range(0x2000, 0x2070), *range(0x20A0, 0x20D0)]
_WORD_CHAR = re.compile(r"[^\W_]")


def _classify() -> tuple[list[int], list[int]]:
    allowed, word = [], []
    for cp in _CANDIDATES:
        ch = chr(cp)
        if unicodedata.normalize("NFC", ch) != ch:
            continue
        if not _WORD_CHAR.fullmatch(ch):
            allowed.append(cp)  # a separator
            continue
        lower = ch.lower()
        if unicodedata.category(ch)[0] not in "LN" or len(lower) != 1 or not _WORD_CHAR.fullmatch(lower):
            continue
        if lower != ch and not (ch.isascii() or ch in UPPER):
            continue
        allowed.append(cp)
        word.append(cp)
    lowered = {ord(chr(cp).lower()) for cp in word}
    assert lowered <= set(word), "a lower-cased word character must stay a word character"
    return allowed, word


def _bracket(codepoints: list[int]) -> str:
    """A regex bracket body of code-point ranges, each character written as \\uXXXX (so
    no character is syntax)."""
    parts, start, prev = [], None, None
    for cp in sorted(codepoints) + [None]:
        if start is not None and cp == prev + 1:
            prev = cp
            continue
        if start is not None:
            parts.append(f"\\u{start:04x}" if start == prev else f"\\u{start:04x}-\\u{prev:04x}")
        start = prev = cp
    return "".join(parts)


ALLOWED, WORD = _classify()
EXACT_RE = f"^[{_bracket(ALLOWED)}]*$"
LONG_WORD_RE = f"[{_bracket(WORD)}]{{{MAX_WORD + 1}}}"
SEPARATORS_RE = f"[^{_bracket(WORD)}]+"

UPPER_RE = f"[{UPPER}]"

PARAMS_SQL = (
    "SELECT %s::text AS exact_re, %s::text AS long_re, %s::text AS sep_re, %s::text AS upper, %s::text AS lower, "
    "%s::text AS upper_re, %s::int AS max_field, %s::int AS max_word"
)
PARAMS = [EXACT_RE, LONG_WORD_RE, SEPARATORS_RE, UPPER, UPPER.lower(), UPPER_RE, MAX_FIELD, MAX_WORD]


def exact_sql(columns: list[str], p: str) -> str:
    """True when words_sql gives, for every column, what words_of would (`p` = the
    alias of the PARAMS_SQL row)."""
    joined = "concat_ws(chr(10), " + ", ".join(columns) + ")"
    # The long-word pattern is the costly one: only for fields long enough to hold a
    # word that long.
    long_words = " AND ".join(f"(length({c}) <= {p}.max_word OR {c} !~ {p}.long_re)" for c in columns)
    fits = " AND ".join(f"length({c}) <= {p}.max_field" for c in columns)
    return f"({joined} ~ {p}.exact_re AND {long_words} AND {fits})"


def words_sql(column: str, p: str) -> str:
    """' '.join(words_of(text)) for a text that exact_sql accepted."""
    lower = f"lower({column} COLLATE \"C\")"
    lower = f"CASE WHEN {column} ~ {p}.upper_re THEN translate({lower}, {p}.upper, {p}.lower) ELSE {lower} END"
    return f"btrim(regexp_replace({lower}, {p}.sep_re, ' ', 'g'), ' ')"
