"""A small HTML checker for what the server sends, pages and htmx fragments alike: the parse errors the Nu
HTML Checker reports most (an end tag with no open element, an element left open, an element closed
across another, a block element ending a <p> early so its </p> is stray, an attribute given twice) and
ids used twice. The browser tests check the document as drawn (tests/browser/conftest.py HTML_PROBLEMS);
this checks the markup itself, which a browser repairs silently before anyone can look at it.
"""
from html.parser import HTMLParser


def _words(text: str) -> frozenset:
    return frozenset(text.split())


VOID = _words("area base br col embed hr img input link meta source track wbr")
# Elements whose end tag HTML lets one leave out (closed by the next sibling or the parent's end).
OPTIONAL_END = _words("p li dt dd option optgroup tr td th thead tbody tfoot colgroup rb rt rp")
# Start tags that close an open <p> (HTML's "close a p element" list).
CLOSES_P = _words("address article aside blockquote details dialog div dl fieldset figcaption figure footer "
                  "form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre search section table ul")
# Start tags that close an open sibling of the same family.
CLOSES_SIBLING = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
                  "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"},
                  "tbody": {"thead", "tbody", "tr", "td", "th"}, "tfoot": {"thead", "tbody", "tr", "td", "th"}}
# Where the search for an implied-closable sibling stops.
SCOPE = _words("ul ol dl select table tbody thead tfoot tr template")


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: dict[str, int] = {}

    def _where(self) -> str:
        return f"line {self.getpos()[0]}"

    def _close_implied(self, tag: str) -> None:
        if tag in CLOSES_P and "p" in self.stack:
            self._pop_to("p")
        family = CLOSES_SIBLING.get(tag)
        if family:
            for index in range(len(self.stack) - 1, -1, -1):
                if self.stack[index] in family:
                    del self.stack[index:]
                    return
                if self.stack[index] in SCOPE or self.stack[index] not in OPTIONAL_END:
                    return

    def _pop_to(self, tag: str) -> None:
        index = len(self.stack) - 1 - self.stack[::-1].index(tag)
        skipped = [t for t in self.stack[index + 1:] if t not in OPTIONAL_END]
        if skipped:
            self.problems.append(f"{self._where()}: </{tag}> closes <{skipped[-1]}>, which is still open")
        del self.stack[index:]

    def handle_starttag(self, tag, attrs):
        names = [name for name, _value in attrs]
        for name in {n for n in names if names.count(n) > 1}:
            self.problems.append(f"{self._where()}: <{tag}> has the attribute {name} twice")
        for name, value in attrs:
            if name == "id":
                self.ids[value] = self.ids.get(value, 0) + 1
        self._close_implied(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        foreign = "svg" in self.stack or "math" in self.stack or tag in ("svg", "math")
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            if foreign:  # <path/> in SVG does close itself
                self.stack.pop()
            else:
                self.problems.append(f"{self._where()}: <{tag}/> is not a void element; it stays open")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag not in self.stack:
            self.problems.append(f"{self._where()}: </{tag}> with no open <{tag}>")
            return
        self._pop_to(tag)

    def close(self):
        super().close()
        left = [t for t in self.stack if t not in OPTIONAL_END and t not in ("html", "body", "head")]
        if left:
            self.problems.append(f"end of document: <{left[-1]}> never closed")
        self.problems += [f'id "{i}" used {n} times' for i, n in self.ids.items() if n > 1]


def html_problems(markup: str) -> list[str]:
    """What is wrong with this page or fragment, as a list of readable lines (empty when it is fine)."""
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    return checker.problems
