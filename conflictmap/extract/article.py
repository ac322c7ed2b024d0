"""The article: pasted text, a ``.txt`` file or an ``.html`` page reduced to text; its hash and language.

Quotes point into :attr:`Article.text` by character offsets, and :attr:`Article.sha256` is the SHA-256
of exactly that text (UTF-8), so anyone holding the archived text can check every quote. A ``.txt``
file or pasted text is kept unchanged (only a byte-order mark is dropped); an HTML page is reduced to
its visible text (scripts, styles and markup removed, block elements become line breaks) and
``source_sha256`` keeps the hash of the page as it was given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..files import read_table_text

PRECISIONS = ("day", "month", "year")


class ArticleError(ValueError):
    """The article cannot be read (the message names the file and why)."""


@dataclass(frozen=True)
class Article:
    """One article: the text quotes point into, and what is known about its publication."""

    text: str
    published: dt.date
    published_precision: str = "day"
    outlet: str = ""
    url: str = ""
    language: str = ""
    source_sha256: str = ""  # hash of the file as given (differs from sha256 for HTML)

    @property
    def sha256(self) -> str:
        """SHA-256 of :attr:`text` as UTF-8: what the quotes' offsets refer to."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def meta(self) -> dict:
        """The ``article`` object of drafts.json, with the text itself: what ``apply`` archives and what the
        quotes' offsets point into (for HTML, the extracted text)."""
        return {"sha256": self.sha256, "published": self.published.isoformat(),
                "published_precision": self.published_precision, "outlet": self.outlet, "url": self.url,
                "language": self.language, "chars": len(self.text),
                **({"source_sha256": self.source_sha256} if self.source_sha256 else {}), "text": self.text}


_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
          "article", "header", "footer", "blockquote", "figcaption", "figure", "hr", "title"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(page: str) -> str:
    """The visible text of an HTML page: one paragraph per line, runs of spaces collapsed."""
    parser = _TextParser()
    parser.feed(page)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def detect_language(text: str) -> str:
    """``ar`` when Arabic letters outnumber Latin ones, else ``en`` (the two languages the rules cover)."""
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ar" if arabic >= latin and arabic else "en"


def make_article(text: str, published: dt.date | str, *, precision: str = "day", outlet: str = "", url: str = "",
                 language: str | None = None, source_sha256: str = "") -> Article:
    """An :class:`Article` from text already in hand (pasted); the language is detected unless given."""
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published)
        except ValueError:
            raise ArticleError(f"publication date {published!r} is not YYYY-MM-DD") from None
    if precision not in PRECISIONS:
        raise ArticleError(f"publication date precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ArticleError("the article is empty")
    if language not in (None, "", "ar", "en"):
        raise ArticleError(f"language {language!r}: only ar and en are understood")
    return Article(text=text, published=published, published_precision=precision, outlet=outlet, url=url,
                   language=language or detect_language(text), source_sha256=source_sha256)


def read_article(path: Path | str, published: dt.date | str, **kw) -> Article:
    """Read a ``.txt`` (UTF-8 or Windows Arabic) or ``.html``/``.htm`` file into an :class:`Article`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text, _encoding = read_table_text(path)
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() in (".html", ".htm") or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        kw.setdefault("source_sha256", hashlib.sha256(raw).hexdigest())
        text = html_to_text(text)
    try:
        return make_article(text, published, **kw)
    except ArticleError as exc:
        raise ArticleError(f"{path}: {exc}") from None
