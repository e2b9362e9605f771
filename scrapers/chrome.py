"""A site's chrome rules: the lines of its pages that are not the article, as its spider declares them.

A spider lists regular expressions next to the rest of what it knows about its site (Fundus keeps
a publisher's quirks in its parser the same way). They are matched against lines of text with
white space stripped, and only ever remove whole lines:

- ``chrome_lines``: a line that is chrome wherever it appears (a reprint notice, a share prompt);
- ``chrome_head_lines``: a line that closes a whole page's header (Anquanke's "发布时间 : …", the
  end of its 译文声明 box): it and every line before it go. Only a whole page has a header: these
  rules cut page dumps (the archive importer), never a body a spider took from its container, and
  the last match before the tail counts, so they must match nothing an article could say;
- ``chrome_tail_lines``: a line after which nothing is the article any more ("Related Posts:",
  "商务合作，文章发布请联系…"): it and every line after it go.

Heads and tails are what let the same rules clean a whole page dumped as text, where no CSS
container separates the article from the navigation and the footer. A head or tail cut that would
leave nothing is not trusted, and the lines are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def _compiled(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


@dataclass(frozen=True)
class Stripped:
    """What ``ChromeRules.strip`` kept, and what it removed and why."""

    lines: list[str]
    removed: int = 0
    tail_cut: bool = False


@dataclass(frozen=True)
class ChromeRules:
    lines: tuple[re.Pattern[str], ...] = ()
    head: tuple[re.Pattern[str], ...] = ()
    tail: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, spider: Any) -> ChromeRules:
        """The rules a spider (class or instance) declares; none for an object without any."""
        return cls(
            lines=_compiled(getattr(spider, "chrome_lines", ())),
            head=_compiled(getattr(spider, "chrome_head_lines", ())),
            tail=_compiled(getattr(spider, "chrome_tail_lines", ())),
        )

    def __bool__(self) -> bool:
        return bool(self.lines or self.head or self.tail)

    def span(self, lines: Sequence[str], text: Callable[[str], str] = str.strip, page: bool = True) -> tuple[int, int]:
        """(start, end): the slice of ``lines`` after the header of a whole ``page`` and before its tail.

        ``text`` turns a line into what a reader sees, for lines that carry markup (a Markdown
        dump's). The header ends at the last head line before the first tail line.
        """
        texts = [text(line) for line in lines]
        end = next((n for n, line in enumerate(texts) if n and _matches(self.tail, line)), len(lines))
        heads = [n for n in range(end) if page and _matches(self.head, texts[n])]
        start = heads[-1] + 1 if heads else 0
        if not any(texts[start:end]):
            return 0, len(lines)
        return start, end

    def strip(self, lines: Sequence[str]) -> Stripped:
        """The body without its chrome lines and without its tail."""
        start, end = self.span(lines, page=False)
        kept = [line for line in lines[start:end] if not _matches(self.lines, line.strip())]
        return Stripped(
            lines=kept,
            removed=len(lines) - len(kept),
            tail_cut=end < len(lines),
        )


def _matches(patterns: Sequence[re.Pattern[str]], line: str) -> bool:
    return any(pattern.search(line) for pattern in patterns)
