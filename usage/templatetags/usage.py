from django import template

from usage.useragents import device_words as _device_words

register = template.Library()


@register.filter
def device_words(user_agent: str) -> str:
    """A user-agent string in words: "Firefox 125 on Windows 10 (a computer)"."""
    return _device_words(user_agent or "")
