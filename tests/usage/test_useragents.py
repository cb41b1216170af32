"""A browser's user-agent string in words (ua-parser)."""

from __future__ import annotations

import pytest

from usage.useragents import device_words


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            "Chrome 124 on Windows 10 (a computer)",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            "Chrome Mobile 124 on Android 14 (Google Pixel 8, a phone)",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
            "Mobile Safari 16 on iOS 16.6 (Apple iPad, a tablet)",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.4 Safari/605.1.15",
            "Safari 17 on Mac OS X 10.15 (Apple Mac, a computer)",
        ),
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "An automated program (Googlebot 2)",
        ),
        ("", "An unknown browser"),
        ("<script>alert(1)</script>", "An unknown browser"),
    ],
)
def test_user_agents_in_words(agent, words):
    assert device_words(agent) == words
