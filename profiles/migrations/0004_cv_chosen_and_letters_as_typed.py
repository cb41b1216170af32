"""CVs remember when the seeker chose one as current; job letters are stored as typed.

Letters used to be stored as sanitised HTML (paragraphs from blank lines, <strong>,
<em>, lists, links). Each becomes the text that shows the same with the light
formatting letters are now written in (profiles.letters): "**bold**", "- item"
lines, bare links. Packets already sent keep their HTML untouched.
"""

import re
from html.parser import HTMLParser

from django.db import migrations, models

from jobletters.lib.markup import SafeMarkup

# The letter's allow-list as it was when letters were stored as HTML.
_LETTER = SafeMarkup(
    tags={"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"},
    link_rel="nofollow noopener noreferrer",
)
_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
_OPEN, _CLOSE = "\x01", "\x02"  # around a mark until spaces are moved outside it
_SPECIAL = re.compile(r"([\\*_\[\]<`])")
_LINE_START = re.compile(r"^([-+]|\d+(?=[.)]))(?=[.)]?(\s|$))")


class _AsTyped(HTMLParser):
    """Sanitised letter HTML back to the text that renders it."""

    def __init__(self, *, escape: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.escape = escape
        self.blocks: list[str] = []
        self.pieces: list[str] = []
        self.lists: list[list] = []  # [tag, next number, indent of its items' text]
        self.links: list[tuple[str, int]] = []  # (href, where its words start)

    def text(self, html: str) -> str:
        self.feed(html)
        self.close()
        self._end_block()
        return "\n\n".join(self.blocks)

    def _at_line_start(self) -> bool:
        line = "".join(self.pieces).rsplit("\n", 1)[-1]
        return not line.replace(_OPEN, "").replace(_CLOSE, "").replace("*", "").strip()

    def _end_block(self) -> None:
        text = "".join(self.pieces)
        text = re.sub(rf"{_OPEN}(\*+){_CLOSE}\1", "", text)  # an empty <strong></strong>
        text = re.sub(rf"{_OPEN}(\*+)([ \t]+)", r"\2\1", text)  # "** x**" → " **x**"
        text = re.sub(rf"([ \t]+){_CLOSE}(\*+)", r"\2\1", text)
        text = text.replace(_OPEN, "").replace(_CLOSE, "")
        text = re.sub(r"(?<=\S)  +", " ", text)  # spaces met where a mark moved
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
        if text.strip():
            self.blocks.append(text)
        self.pieces = []

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._end_block()
        elif tag == "br":
            self.pieces.append("\n" + (" " * self.lists[-1][2] if self.lists else ""))
        elif tag in ("ul", "ol"):
            if not self.lists:
                self._end_block()
            indent = self.lists[-1][2] if self.lists else 0
            self.lists.append([tag, 1, indent])
        elif tag == "li" and self.lists:
            current = self.lists[-1]
            outer = self.lists[-2][2] if len(self.lists) > 1 else 0
            marker = "- " if current[0] == "ul" else f"{current[1]}. "
            current[1] += 1
            current[2] = outer + len(marker)
            self.pieces.append(("\n" if self.pieces else "") + " " * outer + marker)
        elif tag in _MARKS:
            self.pieces.append(_OPEN + _MARKS[tag])
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.pieces)))

    def handle_endtag(self, tag):
        if tag == "p" and not self.lists:
            self._end_block()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self._end_block()
        elif tag in _MARKS:
            self.pieces.append(_CLOSE + _MARKS[tag])
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.pieces[start:])
            plain = words.replace("\\", "")
            if not href or plain in href:
                # The address itself (or an e-mail address): typed bare, it becomes a link.
                link = plain
            else:
                destination = href.replace("<", "%3C").replace(">", "%3E")
                link = f"[{words}](<{destination}>)"
            self.pieces[start:] = [link]

    def handle_data(self, data):
        data = re.sub(r"\s+", " ", data)
        if self._at_line_start():
            data = data.lstrip()
            if self.escape:
                data = _LINE_START.sub(
                    lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1),
                    _SPECIAL.sub(r"\\\1", data),
                )
                self.pieces.append(data)
                return
        self.pieces.append(_SPECIAL.sub(r"\\\1", data) if self.escape else data)


def _shown(html: str) -> str:
    """What a reader sees, for comparing: the same words, lines, paragraphs, lists,
    bold and italics. Bare addresses now become links: only their words count."""
    html = re.sub(r"<a [^>]*>([^<]*)</a>", lambda m: m.group(1), html)
    html = re.sub(r"<(/?)b>", r"<\1strong>", re.sub(r"<(/?)i>", r"<\1em>", html))
    html = re.sub(r"<(strong|em)></\1>", "", html)
    html = re.sub(r"<(strong|em)>(\s+)", r"\2<\1>", html)
    html = re.sub(r"(\s+)</(strong|em)>", r"</\2>\1", html)
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*(</?(?:p|ul|ol|li|br)>)\s*", r"\1", html)
    html = re.sub(r"(<br>)+</p>", "</p>", html)  # a break that ends a paragraph shows nothing
    html = re.sub(r"(</?p>)+", "¶", html)  # text between blocks is a paragraph
    return re.sub(r"¶?(</?(?:ul|ol)>)¶?", r"\1", html).strip("¶")


def as_typed(stored: str) -> str:
    """The text for a letter stored as HTML: unescaped where that shows the same."""
    shown = str(_LETTER.render(stored))
    before = _shown(shown)
    candidates = [_AsTyped(escape=False).text(shown), _AsTyped(escape=True).text(shown)]
    for text in candidates:
        if _shown(str(_LETTER.render_text(text))) == before:
            return text
    return candidates[-1]


def letters_as_typed(apps, schema_editor):
    Profile = apps.get_model("profiles", "Profile")
    for profile in Profile.objects.exclude(job_letter="").only("pk", "job_letter").iterator():
        text = as_typed(profile.job_letter)
        Profile.objects.filter(pk=profile.pk).update(job_letter=text)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0003_target_occupation_titles"),
    ]

    operations = [
        migrations.AddField(
            model_name="cv",
            name="chosen_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="chosen as current"),
        ),
        migrations.AlterField(
            model_name="cv",
            name="file",
            field=models.FileField(
                blank=True, max_length=255, upload_to="", verbose_name="your file, as uploaded"
            ),
        ),
        migrations.AlterField(
            model_name="cv",
            name="normalised_file",
            field=models.FileField(
                blank=True,
                max_length=255,
                upload_to="",
                verbose_name="the checked copy recruiters receive",
            ),
        ),
        migrations.RunPython(letters_as_typed, migrations.RunPython.noop),
    ]
