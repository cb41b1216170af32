"""A browser's user-agent string in words: "Firefox 125 on Windows 10, a computer".

Parsing is ua-parser's (the maintained Python port of the uap-core rules, with
its native accelerator ``ua-parser-rs``); this module only picks the words. The
rules load once per process on first use; answers are memoised per string.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ua_parser
from django.utils.translation import gettext as _

_DESKTOP_SYSTEMS = {"Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Fedora", "Chrome OS",
                    "ChromeOS", "Debian", "FreeBSD", "OpenBSD"}  # fmt: skip
_TABLET_HINTS = ("ipad", "tablet", "kindle", "nexus 7", "nexus 9", "nexus 10", "sm-t", "tab")


@dataclass(frozen=True)
class Device:
    browser: str  # "Firefox 125", or "" when unknown
    system: str  # "Windows 10", "iOS 17.4", or ""
    kind: str  # "computer", "phone", "tablet", "automated", or ""
    model: str  # "iPhone", "Google Pixel 8", or ""

    def words(self) -> str:
        """One line for people: "Chrome 124 on Android 14 (Google Pixel 8, a phone)"."""
        if self.kind == "automated":
            return _("An automated program (%(name)s)") % {"name": self.browser or _("unknown")}
        browser = self.browser or _("An unknown browser")
        text = (
            _("%(browser)s on %(system)s") % {"browser": browser, "system": self.system}
            if self.system
            else browser
        )
        kinds = {"computer": _("a computer"), "phone": _("a phone"), "tablet": _("a tablet")}
        details = [part for part in (self.model, kinds.get(self.kind, "")) if part]
        return f"{text} ({', '.join(details)})" if details else text


def _version(family: str, *parts: str | None) -> str:
    numbers = [p for p in parts if p]
    return " ".join([family, ".".join(numbers)]) if numbers else family


@lru_cache(maxsize=4096)
def describe(user_agent: str) -> Device:
    """What the user-agent string says, in words (memoised: a page lists few strings)."""
    user_agent = (user_agent or "")[:500]
    if not user_agent.strip():
        return Device(browser="", system="", kind="", model="")
    result = ua_parser.parse(user_agent)
    agent, system, hardware = result.user_agent, result.os, result.device
    browser = _version(agent.family, agent.major) if agent and agent.family != "Other" else ""
    os_name = (
        _version(system.family, system.major, system.minor)
        if system and system.family != "Other"
        else ""
    )
    model = ""
    if hardware and hardware.family not in ("Other", "Spider"):
        brand, name = hardware.brand or "", hardware.model or hardware.family
        if brand.startswith("Generic"):  # "Generic_Android_Tablet": says nothing
            brand = ""
        model = name if not brand or name.startswith(brand) else f"{brand} {name}"
    kind = _kind(user_agent, system.family if system else "", hardware)
    return Device(browser=browser, system=os_name, kind=kind, model=model)


def _kind(user_agent: str, system: str, hardware: ua_parser.Device | None) -> str:
    lowered = user_agent.lower()
    if hardware is not None and hardware.family == "Spider":
        return "automated"
    family = (hardware.family if hardware else "").lower()
    if any(hint in family for hint in _TABLET_HINTS) or "ipad" in lowered:
        return "tablet"
    if system in ("iOS", "Android", "Windows Phone", "KaiOS") or "mobile" in lowered:
        # Android tablets leave "Mobile" out of their user agent.
        if system == "Android" and "mobile" not in lowered:
            return "tablet"
        return "phone"
    if system in _DESKTOP_SYSTEMS:
        return "computer"
    return ""


def device_words(user_agent: str) -> str:
    return describe(user_agent).words()
