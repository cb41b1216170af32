from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from jobletters.lib.emails import queue_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth renders its own templates (overridden under templates/account/email/);
        # the message waits in the outbox and a worker sends it: an SMTP server that
        # is down never fails sign-up, a password change or a reset.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        user = context.get("user")
        queue_message(
            self.render_mail(template_prefix, email, ctx),
            kind=template_prefix,
            person=user if getattr(user, "pk", None) else None,
        )
