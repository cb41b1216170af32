"""The fields a browser would submit from a page's form (bench/support/locustfile.py)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    """The fields of a page's POST form, as a browser would submit them."""

    def __init__(self, action: str = "") -> None:
        super().__init__()
        self.action, self.fields, self._in, self._done = action, [], False, False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form" and not self._done and (a.get("method") or "").lower() == "post":
            self._in = (a.get("action") or "") == self.action
        if not self._in or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append(
                    (a["name"], a.get("value") or ("on" if kind == "checkbox" else ""))
                )
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data) -> None:
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in:
            self._in, self._done = False, True


def form_fields(html: str, action: str = "") -> list[tuple[str, str]]:
    """The first POST form whose action is ``action`` ("": the page itself)."""
    parser = _Form(action)
    parser.feed(html)
    return parser.fields
