"""Filling in the contact form as a person does: the page first, then the post."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from support.models import Inquiry, InquiryMessage

TOKEN = re.compile(r'<input type="hidden" name="shown" value="([^"]+)">')


def token_from(client: Client) -> str:
    page = client.get("/support/")
    assert page.status_code == 200
    match = TOKEN.search(page.content.decode())
    assert match, "the form carries a signed token"
    return match.group(1)


def write(client: Client, *, ip: str = "198.51.100.7", **fields: Any):
    """Open the contact form, then send it with ``fields`` (from ``ip``)."""
    data = {"subject": "Where is my CV?", "body": "I uploaded it yesterday.", **fields}
    data.setdefault("shown", token_from(client))
    return client.post("/support/", data, REMOTE_ADDR=ip)


def inquiry_for(person, subject: str = "A question", body: str = "Hello") -> Inquiry:
    inquiry = Inquiry.objects.create(person=person, email=person.email, subject=subject)
    InquiryMessage.objects.create(inquiry=inquiry, body=body)
    return inquiry
