"""axe-core in Chromium: the WCAG 2.0-2.2 A and AA rules, run inside a page.

axe-core is pinned in package.json and copied to tests/browser/vendor/ by ``make vendor``
(committed, so the tests download nothing). It is added to a browser context as an init
script, which the pages' Content-Security-Policy does not apply to.

axe sorts what it finds into violations (a rule broken: the page is fixed) and
"incomplete" results (a rule it cannot decide alone, such as the contrast of text over
an image or a gradient). Every incomplete result was checked by hand; REVIEWED holds the
outcome of each, by rule and element, and docs/accessibility.md lists them. A new one
fails the test until someone checks it and adds it to both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations', 'incomplete'],
  });
  const brief = (rule) => rule.nodes.map(node => ({
    rule: rule.id,
    help: rule.help,
    target: node.target.join(' '),
    html: node.html.replace(/\\s+/g, ' ').slice(0, 200),
    why: (node.failureSummary || node.any.concat(node.all, node.none)
      .map(check => check.message).join(' ')).replace(/\\s+/g, ' '),
  }));
  return {
    violations: results.violations.flatMap(brief),
    incomplete: results.incomplete.flatMap(brief),
  };
}"""

# Incomplete results checked by hand: (rule, a pattern found in "<address> <element's
# selector> <its HTML> <axe's reason>") -> the outcome. docs/accessibility.md says the same.
REVIEWED: dict[tuple[str, str], str] = {
    ("color-contrast", r" <select[ >].*due to a background image"): (
        "Pico draws a select's arrow as a background image inside its 50 px right padding;"
        " the words never sit on it: #23262c on #fbfcfc, 14.8:1 (dark scheme #e0e3e7 on"
        " #1c212c, 12.5:1). Passes."
    ),
    (
        "color-contrast",
        r'^/admin/.* <a [^>]*class="(addlink|changelink|viewlink|historylink|deletelink)\b'
        r".*due to a background image",
    ): (
        "Django's admin draws its add/change/view/history icons as a background image in"
        " the link's 16 px left padding, beside the words: #417893 on #fff, 4.85:1; in the"
        " object tools #fff on #747474, 4.67:1. Passes."
    ),
    ("color-contrast", r"^/admin/.*overlapped by another element"): (
        "Django's admin: the object tools and, on a phone, the index's recent actions lie"
        " outside the first screen, so axe cannot see what is behind them. Measured in"
        " the page: headings #333 on #fff (12.6:1), links #417893 (4.85:1), notes #666"
        " (5.74:1), object tools #fff on #747474 (4.67:1). Passes."
    ),
    ("color-contrast", r" <input [^>]*>.*Element has no value"): (
        "An empty box (a form sent back without the passwords): its words, once typed, are"
        " #23262c on #fbfbfc, 14.7:1; its placeholder #646b79 on #fbfbfc, 5.2:1 (dark scheme"
        " #8891a4 on #1c212c, 5.1:1). Passes."
    ),
    ("color-contrast", r"select2-selection__clear.*too short"): (
        "The autocomplete's \u00d7 (remove all) is one bold character, #333 on #fff, 12.6:1."
        " Passes."
    ),
    ("target-size", r"select2-search__field"): (
        "The autocomplete's search box sits inside its box, which is a target as a whole"
        " (full width, at least 30 px high: pressing anywhere on it opens the search)."
        " Passes."
    ),
}


@dataclass(frozen=True)
class Finding:
    rule: str
    help: str
    target: str
    html: str
    why: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.help}) at {self.target}: {self.why} [{self.html}]"


def install(context) -> None:
    """Every page the context opens has axe loaded (before its own scripts)."""
    context.add_init_script(path=str(AXE))


def audit(page) -> tuple[list[Finding], list[Finding]]:
    """(violations, incomplete results nobody has reviewed) of the page as it is now."""
    results = page.evaluate(RUN, TAGS)
    path = urlsplit(page.url).path
    violations = [Finding(**found) for found in results["violations"]]
    unreviewed = [
        Finding(**found)
        for found in results["incomplete"]
        if not any(
            rule == found["rule"]
            and re.search(pattern, f"{path} {found['target']} {found['html']} {found['why']}")
            for rule, pattern in REVIEWED
        )
    ]
    return violations, unreviewed
