"""What a person reads on a page: its visible text, without tags, attributes, scripts or styles."""

import re
from html import unescape
from html.parser import HTMLParser


class _TextParser(HTMLParser):
    SKIP = {"script", "style", "template", "noscript", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html):
    if isinstance(html, bytes):
        html = html.decode()
    parser = _TextParser()
    parser.feed(html)
    return re.sub(r"\s+", " ", unescape(" ".join(parser.parts))).strip()
