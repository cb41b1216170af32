"""System checks of our own configuration (``manage.py check``; ``--deploy`` for production).

Django's deploy checks accept ``ALLOWED_HOSTS=*`` and an ``http://`` site address;
with DEBUG off either one is a real hole (Host-header poisoning of the links in
emails; links, cookies and redirects over plain HTTP), so they are errors here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_addresses(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS contains '*' while DEBUG is off.",
                hint="List the site's own host names; a wildcard lets any Host header "
                "through, and links built from it can point anywhere.",
                id="jobletters.E001",
            )
        )
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" or not site.hostname:
        errors.append(
            Error(
                f"SITE_URL is {settings.SITE_URL!r}, not an https:// address, while DEBUG is off.",
                hint="Set SITE_URL to the public https:// address: it is used in every email "
                "link and for the secure cookies.",
                id="jobletters.E002",
            )
        )
    return errors
