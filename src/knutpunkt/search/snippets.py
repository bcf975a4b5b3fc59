"""Highlighted snippets, built in Python from text the reader may see.

Callers hand in only visible text (search.queries decides what that is); this module
escapes it and wraps the words that match the query in <mark>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .parsing import ParsedQuery

_TOKEN = re.compile(r"[^\W_]+")
WINDOW = 180
BEFORE = 50


@dataclass(frozen=True)
class Snippet:
    label: str  # "Rubrik", "Beskrivning", "Parter", "Handling KS 2024/3-2", "Fil i KS 2024/3-2" …
    html: SafeString


def _is_hit(token: str, words: tuple[str, ...]) -> bool:
    low = token.lower()
    return any(low.startswith(w) for w in words)


def highlight(text: str, parsed: ParsedQuery, *, window: int = WINDOW) -> SafeString | None:
    """A window of `text` around the first hit, escaped, hits in <mark>; None when no
    word of the query occurs in it."""
    if not text or not parsed:
        return None
    words = tuple(parsed.words)
    hits = [m for m in _TOKEN.finditer(text) if _is_hit(m.group(), words)]
    if not hits:
        return None
    start = 0 if len(text) <= window else max(0, hits[0].start() - BEFORE)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + window)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space - end < 20 else end
    out, pos = [], start
    for m in hits:
        if m.start() < start or m.end() > end:
            continue
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        pos = m.end()
    out.append(escape(text[pos:end]))
    html = "".join(out)
    html = " ".join(html.split())  # line breaks of extracted text are noise in a snippet
    return mark_safe(("… " if start else "") + html + (" …" if end < len(text) else ""))
