"""Staff read inquiries and answer them; each answer is emailed and added to the thread."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html_join

from . import services
from .models import Inquiry, InquiryMessage


def _author(message: InquiryMessage) -> str:
    if message.from_staff:
        return f"Staff ({message.staff.email})" if message.staff else "Staff"
    return "The person"


class AnswerForm(forms.ModelForm):
    answer = forms.CharField(
        label="Your answer",
        required=False,
        max_length=InquiryMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="Emailed to the person at once and added to the thread they see on "
        "their account. Leave empty to save without answering.",
    )
    close = forms.BooleanField(
        label="Close the inquiry with this answer",
        required=False,
        help_text="Closed inquiries are deleted after the retention period; the person "
        "opens it again by replying.",
    )

    class Meta:
        model = Inquiry
        fields: tuple[str, ...] = ()


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    form = AnswerForm
    list_display = ("reference", "subject", "email", "state", "signed_in", "last_message_at")
    list_filter = ("state", "signed_in")
    search_fields = ("subject", "email", "name", "person__email", "person__name")
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = (
        "reference",
        "state",
        "subject",
        "email",
        "name",
        "account",
        "signed_in",
        "created_at",
        "last_message_at",
        "closed_at",
        "thread",
    )
    fieldsets = (
        (None, {"fields": readonly_fields[:-1]}),
        ("Thread", {"fields": ("thread",)}),
        ("Answer", {"fields": ("answer", "close")}),
    )
    actions = ("close", "reopen")

    @admin.display(description="inquiry", ordering="pk")
    def reference(self, inquiry: Inquiry) -> str:
        return inquiry.reference

    @admin.display(description="account")
    def account(self, inquiry: Inquiry) -> str:
        if inquiry.person is None:
            return "None: written by a visitor (answers go to the address above)"
        return inquiry.person.email

    @admin.display(description="messages, oldest first")
    def thread(self, inquiry: Inquiry) -> str:
        rows = inquiry.messages.select_related("staff")
        return (
            format_html_join(
                "",
                '<div class="inquiry-message"><p><strong>{}</strong> · {}</p><p>{}</p></div>',
                (
                    (_author(m), date_format(m.created_at, "DATETIME_FORMAT"), linebreaksbr(m.body))
                    for m in rows
                ),
            )
            or "No messages."
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inquiry]:
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # inquiries come from the contact form

    def save_model(self, request: HttpRequest, obj: Inquiry, form: Any, change: bool) -> None:
        answer = form.cleaned_data.get("answer", "")
        if answer.strip():
            services.answer_inquiry(
                inquiry=obj, staff=request.user, body=answer, close=form.cleaned_data["close"]
            )
            self.message_user(request, f"Your answer was emailed to {obj.email}.", messages.SUCCESS)
        elif form.cleaned_data.get("close"):
            services.close_inquiries(Inquiry.objects.filter(pk=obj.pk))

    @admin.action(description="Close the selected inquiries", permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> None:
        count = services.close_inquiries(queryset)
        self.message_user(request, f"{count} inquiries closed.", messages.SUCCESS)

    @admin.action(description="Open the selected inquiries again", permissions=["change"])
    def reopen(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> None:
        count = services.reopen_inquiries(queryset)
        self.message_user(request, f"{count} inquiries opened again.", messages.SUCCESS)
