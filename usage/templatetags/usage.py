from django import template

from usage.useragents import device_words

register = template.Library()

# A user-agent string in words: "Firefox 125 on Windows 10 (a computer)".
register.filter("device_words", device_words)
