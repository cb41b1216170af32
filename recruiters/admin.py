"""Staff manage the recruiter directory here: edit, CSV import and export, and one
recruiter's own data (export or erase, found by email). Packets are read-only."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from jobletters.admin_site import ReadOnlyAdmin
from profiles.models import Profile

from . import csv_io, directory
from .models import Answer, Delivery, Introduction, Recruiter

IMPORT_SALT = "recruiters.csv-import"
IMPORT_MAX_AGE = 60 * 60


def _terms(value: str) -> list[str]:
    return [part for part in (p.strip() for p in value.replace(";", ",").split(",")) if part]


class RecruiterForm(forms.ModelForm):
    website = forms.URLField(required=False, max_length=300, assume_scheme="https")
    seniority_levels = forms.MultipleChoiceField(
        choices=Profile.Seniority.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Seniority levels",
    )
    languages = forms.CharField(
        required=False, help_text="Separated by commas, e.g. English, French."
    )
    keywords = forms.CharField(
        label="Specialisms", required=False, help_text="Separated by commas, e.g. M&A, GDPR."
    )

    class Meta:
        model = Recruiter
        fields = (
            "name",
            "agency",
            "email",
            "website",
            "occupations",
            "places",
            "seniority_levels",
            "languages",
            "keywords",
            "daily_cap",
            "active",
            "frozen_at",
            "suspended_at",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)
            self.initial["keywords"] = ", ".join(self.instance.keywords)

    def clean_email(self) -> str:
        email = directory.normalise_email(self.cleaned_data["email"])
        if Recruiter.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError("Another recruiter has this email address.")
        return email

    def clean_languages(self) -> list[str]:
        return directory.clean_terms(
            _terms(self.cleaned_data["languages"]), limit=directory.MAX_LANGUAGES, label="language"
        )

    def clean_keywords(self) -> list[str]:
        return directory.clean_terms(
            _terms(self.cleaned_data["keywords"]), limit=directory.MAX_KEYWORDS, label="specialism"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "occupations" in cleaned and "places" in cleaned:
            try:
                directory.check_coverage(
                    occupations=list(cleaned["occupations"]), places=list(cleaned["places"])
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class OptedOutFilter(admin.SimpleListFilter):
    title = "opted out"
    parameter_name = "opted_out"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Opted out"), ("no", "Receives packets")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(opted_out_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(opted_out_at__isnull=True)
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, at most 2 MB and 20,000 lines.")


class RecruiterDataForm(forms.Form):
    email = forms.EmailField(label="The recruiter's email address")
    confirm = forms.BooleanField(
        required=False,
        label="I confirm this recruiter asked to be erased, and that erasing cannot be undone.",
    )


RATES = ("packets_received", "packets_opened", "packets_answered", "answer_days")


def _share(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{round(100 * part / whole)}% ({part}/{whole})"


@admin.register(Recruiter)
class RecruiterAdmin(admin.ModelAdmin):
    form = RecruiterForm
    change_list_template = "admin/recruiters/recruiter/change_list.html"
    list_display = ("name", "agency", "email", "packets", "opened", "answered", "daily_cap")
    list_filter = ("active", OptedOutFilter)
    search_fields = ("email", "name", "agency")
    show_full_result_count = False
    autocomplete_fields = ("occupations", "places")
    # "Frozen" and "suspended" are each one box with one label: the admin's default splits
    # a moment into a date box and a time box that no label names.
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": forms.DateTimeField,
            "widget": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
    }
    readonly_fields = ("opted_out_at", *RATES, "created_at", "updated_at")
    fields = (*RecruiterForm.Meta.fields, *readonly_fields)
    actions = ("export_csv", "opt_out", "suspend")

    # Recounted hourly (recruiters.rates): the share of the packets they received.
    @admin.display(description=_("open rate"))
    def opened(self, recruiter: Recruiter) -> str:
        return _share(recruiter.packets_opened, recruiter.packets_received)

    @admin.display(description=_("answer rate"))
    def answered(self, recruiter: Recruiter) -> str:
        return _share(recruiter.packets_answered, recruiter.packets_received)

    @admin.display(description=_("packets"))
    def packets(self, recruiter: Recruiter) -> str:
        # One column for "active", "opted out" and "frozen": a laptop's list stays a table.
        if recruiter.opted_out_at:
            return _("Opted out")
        if recruiter.suspended_at:
            return _("Suspended")
        if recruiter.frozen_at:
            return _("Frozen")
        return _("Receives them") if recruiter.active else _("Off (never matched)")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The matching index, the vocabulary and waiting packets follow the edit.
        directory.recruiter_changed(recruiter=form.instance)

    def delete_model(self, request: HttpRequest, obj: Recruiter) -> None:
        directory.erase_recruiter(email=obj.email)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for email in queryset.values_list("email", flat=True):
            directory.erase_recruiter(email=email)

    @admin.action(description="Export selected recruiters as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        return _csv_response(queryset)

    def _each(self, request: HttpRequest, queryset: QuerySet, change: Any, done: str) -> None:
        count = sum(change(recruiter_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} recruiter(s) {done}.", messages.SUCCESS)

    @admin.action(description="Opt selected recruiters out (no more packets)")
    def opt_out(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, directory.opt_out_recruiter, "opted out")

    @admin.action(description="Suspend selected recruiters (never matched; their links close)")
    def suspend(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, directory.suspend_recruiter, "suspended")

    # --- Extra pages ---------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="recruiters_recruiter_import"),
            path("export/", wrap(self.export_view), name="recruiters_recruiter_export"),
            path("personal-data/", wrap(self.personal_data_view), name="recruiters_recruiter_data"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm()
        preview = None
        payload = ""
        problem = ""
        if request.method == "POST" and "payload" in request.POST:
            # Step 2: the file staff looked at, signed so it cannot be swapped.
            try:
                text = signing.loads(
                    request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
                )
                preview = csv_io.read(text)
                if preview.ok:
                    created, updated = csv_io.save(preview)
                    self.message_user(
                        request,
                        f"Imported: {created} recruiter(s) added, {updated} updated.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:recruiters_recruiter_changelist"))
                problem = "The directory changed since the preview: nothing was saved."
            except signing.SignatureExpired:
                problem = "The preview is more than an hour old: upload the file again."
            except signing.BadSignature:
                problem = "The preview was damaged: upload the file again."
            except csv_io.CSVRefused as refused:
                problem = str(refused)
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    text = csv_io.decode(upload.read(csv_io.MAX_BYTES + 1))
                    preview = csv_io.read(text)
                except csv_io.CSVRefused as refused:
                    form.add_error("file", str(refused))
                else:
                    if preview.ok:
                        payload = signing.dumps(text, salt=IMPORT_SALT, compress=True)
        context = self._context(
            request,
            "Import recruiters from CSV",
            form=form,
            preview=preview,
            payload=payload,
            problem=problem,
            columns=", ".join(csv_io.COLUMNS),
        )
        return TemplateResponse(request, "admin/recruiters/recruiter/import.html", context)

    def export_view(self, request: HttpRequest) -> StreamingHttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _csv_response(Recruiter.objects.all())

    def personal_data_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RecruiterDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if not Recruiter.objects.filter(email=directory.normalise_email(email)).exists():
                form.add_error("email", "No recruiter in the directory has this address.")
            elif "export" in request.POST:
                data = directory.export_recruiter(email=email)
                stamp = timezone.now().strftime("%Y%m%d")
                return HttpResponse(
                    json.dumps(data, indent=2, ensure_ascii=False),
                    content_type="application/json; charset=utf-8",
                    headers=_download(f"recruiter-data-{stamp}.json"),
                )
            elif "erase" in request.POST:
                if not self.has_delete_permission(request):
                    raise PermissionDenied
                if not form.cleaned_data["confirm"]:
                    form.add_error("confirm", "Tick the box to confirm the erasure.")
                else:
                    directory.erase_recruiter(email=email)
                    self.message_user(
                        request,
                        "Erased: the recruiter's details and packet activity are gone; "
                        "seekers keep the name they sent to.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:recruiters_recruiter_data"))
        context = self._context(request, "A recruiter's own data", form=form)
        return TemplateResponse(request, "admin/recruiters/recruiter/personal_data.html", context)


def _download(name: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store",
    }


def _csv_response(queryset: QuerySet) -> StreamingHttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        csv_io.stream(queryset),
        content_type="text/csv; charset=utf-8",
        headers=_download(f"recruiters-{stamp}.csv"),
    )


class AnswerInline(admin.TabularInline):
    """The recruiter's answers, newest last: what a complaint about a message is about."""

    model = Answer
    fields = readonly_fields = ("answered_at", "kind", "message")
    extra = max_num = 0
    can_delete = False


class IntroductionInline(admin.StackedInline):
    """On a blind send: the recruiter's request to learn who the seeker is, and the answer."""

    model = Introduction
    fields = readonly_fields = ("requested_at", "decision", "decided_at", "consent", "disclosure")
    extra = max_num = 0
    can_delete = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Packets, for support: what happened to each; written by the services only."""

    inlines = (AnswerInline, IntroductionInline)

    list_display = ("pk", "recipient_name", "seeker", "state", "created_at", "sent_at", "failure")
    list_filter = ("state",)
    list_select_related = ("seeker",)
    search_fields = ("seeker__email", "seeker__name", "recipient_name")
    show_full_result_count = False
    fields = (
        "send",
        "seeker",
        "recruiter",
        "recipient_name",
        "reason",
        "state",
        "created_at",
        "deferred_until",
        "sent_at",
        "opened_at",
        "downloaded_at",
        "view_count",
        "download_count",
        "failed_at",
        "failure",
        "revoked_at",
        "consent",
        "disclosure",
        "timeline",
    )
    readonly_fields = fields

    @admin.display(description=_("send"), ordering="send")
    def send_number(self, delivery: Delivery) -> str:
        # A column of the staff desk's person page (jobletters.admin_site).
        return f"#{delivery.send_id}"

    @admin.display(description=_("timeline"))
    def timeline(self, delivery: Delivery) -> str:
        """What happened to the packet, in the order it happened."""
        failed = _("failed: %(why)s") % {"why": delivery.failure} if delivery.failure else None
        steps = [
            (at, words)
            for at, words in (
                (delivery.created_at, _("queued")),
                (delivery.deferred_until, _("waiting until")),
                (delivery.sent_at, _("sent")),
                (delivery.opened_at, _("opened")),
                (delivery.downloaded_at, _("CV link opened")),
                (delivery.failed_at, failed or _("failed")),
                (delivery.revoked_at, _("revoked")),
            )
            if at is not None
        ]
        # A constant tag between escaped lines.
        return format_html_join(
            mark_safe("<br>"),  # nosec B308
            "{}: {}",
            (
                (words.capitalize(), date_format(timezone.localtime(at), "DATETIME_FORMAT"))
                for at, words in sorted(steps, key=lambda step: step[0])
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
