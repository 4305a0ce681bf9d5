"""Rich text a manager writes in the CMS (pages, cards, booking instructions), made ready
for the places that are not a portal page: HTML with absolute links for the apps, and
plain text for emails and SMS."""

import re
from html.parser import HTMLParser

from wagtail.rich_text import expand_db_html

from branding.links import portal_origin

# A root-relative address in an attribute ("/about/", "/media/…"), not "//host/…".
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def rich_text_html(source, *, origin="") -> str:
    """The stored rich text as HTML, as the portal renders it (internal page and document
    links and embedded images expanded). With ``origin`` ("https://glow.example.com"),
    root-relative links and image addresses are made absolute, so an app can follow
    them. ``source`` is the stored text (a string, or a rich text block's value)."""
    source = getattr(source, "source", source)  # a StreamField block's RichText
    html = expand_db_html(source or "")
    if origin:
        html = _ROOT_RELATIVE.sub(lambda m: f'{m.group(1)}{origin}{m.group(2)}"', html)
    return html


class _PlainText(HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.lists = []  # per open list: the next number, or None for bullets
        self.link = None

    def _break(self, blank=False):
        text = "".join(self.parts).rstrip(" ")
        self.parts = [text]
        want = "\n\n" if blank else "\n"
        if text and not text.endswith(want):
            self.parts.append("\n" if text.endswith("\n") and blank else want)

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._break(blank=not self.lists)
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "li":
            self._break()
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.parts.append("• ")
            else:
                self.parts.append(f"{number}. ")
                self.lists[-1] = number + 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self._break(blank=True)
        elif tag == "a":
            self.link = (dict(attrs).get("href") or "", len(self.parts))

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break(blank=not self.lists)
        elif tag in self.BLOCKS:
            self._break(blank=True)
        elif tag == "a" and self.link:
            href, start = self.link
            self.link = None
            text = "".join(self.parts[start:]).strip()
            if href and href != text and not href.startswith(("#", "mailto:", "tel:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self):
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def rich_text_plain(source, *, clinic=None, origin="") -> str:
    """The stored rich text as plain text (emails, SMS): paragraphs apart, list items as
    "• " or "1. ", a link's address after its words (absolute: on ``origin``, or on
    ``clinic``'s portal)."""
    parser = _PlainText()
    if not origin and clinic is not None:
        origin = portal_origin(clinic.site.hostname)
    parser.feed(rich_text_html(source, origin=origin))
    parser.close()
    return parser.text()
