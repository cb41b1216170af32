from django import template
from django.utils.safestring import SafeString

from ..letters import render_letter

register = template.Library()


@register.filter
def job_letter(stored: str) -> SafeString:
    """The job letter as recruiters see it: sanitised HTML."""
    return render_letter(stored)
