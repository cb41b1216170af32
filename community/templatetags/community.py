from django import template
from django.utils.safestring import SafeString

from community import markup, services

register = template.Library()

# "Sam S.": first name and initial (the full name is never shown in public).
register.filter("public_name", services.public_name)


@register.filter
def post_html(stored: str) -> SafeString:
    """A post's text as readers see it (sanitised again on the way out)."""
    return markup.render(stored)
