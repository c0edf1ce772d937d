"""Rich-text lesson bodies: an allow-list HTML sanitiser on the standard library's parser.

Kept: paragraphs, headings h2–h4, lists, emphasis, line breaks, quotes, simple tables and links
(http, https, mailto or relative; they open with rel="noopener"). Everything else is dropped:
script/style/iframe elements with their content, other tags (their text stays), every attribute
except a link's href and title, event handlers, style, javascript: URLs. Text is re-escaped."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "b", "em", "i", "u",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
}  # fmt: skip
VOID = {"br", "hr"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|[^:]*$)", re.IGNORECASE)


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED:
            return
        kept = ""
        if tag == "a":
            for name, value in attrs:
                value = (value or "").strip()
                compact = re.sub(r"[\s\x00-\x1f]", "", value)
                if name == "href" and SAFE_URL.match(compact):
                    kept += f' href="{html.escape(value, quote=True)}"'
                elif name == "title":
                    kept += f' title="{html.escape(value, quote=True)}"'
            kept += ' rel="noopener noreferrer"'
        if tag in VOID:
            self.out.append(f"<{tag}>")
            return
        self.out.append(f"<{tag}{kept}>")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.skip:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out).strip()


def sanitise_html(value: str) -> str:
    parser = _Sanitiser()
    parser.feed(value or "")
    parser.close()
    return parser.result()


def plain_text(value: str) -> str:
    """The text of an HTML fragment (for the search column)."""
    text = re.sub(r"<[^>]+>", " ", value or "")
    return html.unescape(text)
