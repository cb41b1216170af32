from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobletters.access import STAFF, access
from jobletters.admin_site import ReadOnlyAdmin, object_context, permitted_object
from jobletters.lib.files import private_file_response
from privacy import promises
from privacy.accountability import legal
from privacy.documents import notices, processors, versions
from privacy.rights import deletion, holds

from .models import (
    ChangeNotice,
    Consent,
    DeletionRequest,
    Disclosure,
    ExportRequest,
    LegalHold,
    LegalRequest,
    LegalRequestSubject,
    PolicyVersion,
    ProcessorChange,
    ProcessorSubscription,
    Subprocessor,
)


class RecordAdmin(ReadOnlyAdmin):
    """Rows that are evidence (consents, disclosures, requests and how they were honoured):
    staff read them; only the services write them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(RecordAdmin):
    list_display = ("person", "purpose", "granted", "policy_version", "reference", "created_at")
    list_filter = ("purpose", "granted")
    search_fields = ("person__email", "person__name", "reference")
    raw_id_fields = ("person",)
    list_select_related = ("person", "policy_version")


@admin.register(Disclosure)
class DisclosureAdmin(RecordAdmin):
    list_display = ("person", "recipient_name", "basis", "disclosed_at")
    list_filter = ("recipient_kind", "basis")
    search_fields = ("person__email", "person__name", "recipient_name", "reference")
    list_select_related = ("person",)


# --- Privacy requests: the staff queue --------------------------------------------------------


# An open request turns red in the queue this many days before it is due.
DELETION_WARNING_DAYS = 5


class LateFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("1", _("Late"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=deletion.late_deletions().values("pk"))
        return queryset


@admin.register(DeletionRequest)
class DeletionRequestAdmin(RecordAdmin):
    """Every deletion request with its due date; red before it is late, held ones waiting."""

    list_display = ("who", "state", "requested_at", "grace_ends_at", "due", "erased_at")
    list_filter = (LateFilter, "state")
    list_select_related = ("person",)
    search_fields = ("person__email", "person__name")
    ordering = ("due_at",)
    raw_id_fields = ("person",)

    class Media:
        css = {"all": ("privacy/admin.css",)}

    @admin.display(description=gettext_lazy("person"), ordering="person__email")
    def who(self, obj: DeletionRequest) -> str:
        if obj.person is None:
            return _("Erased")
        return format_html("{}<br><small>{}</small>", obj.person.name or "-", obj.person.email)

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due(self, obj: DeletionRequest) -> str:
        now = timezone.now()
        due = date_format(timezone.localtime(obj.due_at))  # the admin's one date format
        if obj.is_late(now):
            css, words = "privacy-late", _("late")
        elif obj.state == DeletionRequest.State.HELD:
            css, words = "privacy-held", _("waiting for a legal hold")
        elif not obj.is_open:
            return due
        elif obj.due_at - now <= timedelta(days=DELETION_WARNING_DAYS):
            css, words = "privacy-due-soon", _("due soon")
        else:
            css, words = "privacy-on-time", _("on time")
        return format_html('<span class="{}">{} ({})</span>', css, due, words)


@admin.register(ExportRequest)
class ExportRequestAdmin(RecordAdmin):
    list_display = ("__str__", "state", "requested_at", "finished_at", "expires_at")
    list_filter = ("state",)
    search_fields = ("person__email", "person__name")
    raw_id_fields = ("person",)


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Staff place a hold with a reason, and release it with one (never delete it)."""

    list_display = ("__str__", "person", "scope", "reference", "placed_at", "released_at")
    list_filter = (("released_at", admin.EmptyFieldListFilter),)
    raw_id_fields = ("person",)
    search_fields = ("person__email", "person__name", "reference")
    actions = ["release_selected"]

    @admin.display(description="covers")
    def scope(self, obj: LegalHold) -> str:
        return ", ".join(f"§{s}" for s in obj.sections) or "everything"

    def get_fields(self, request, obj=None):
        # Placing one asks who, what and why; a placed one shows every field.
        if obj is None:
            return ("person", "sections", "reason")
        return [f.name for f in LegalHold._meta.fields if not f.primary_key]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        editable = () if obj.released_at else ("release_reason",)
        return tuple(f for f in self.get_fields(request, obj) if f not in editable)

    def save_model(self, request, obj, form, change):
        if not change:
            hold = holds.place_hold(
                person=obj.person, reason=obj.reason, staff=request.user, sections=obj.sections
            )
            obj.pk = hold.pk
            return
        if obj.release_reason and obj.released_at is None:
            holds.release_hold(
                hold=LegalHold.objects.get(pk=obj.pk), reason=obj.release_reason, staff=request.user
            )

    @admin.action(description="Release the selected holds (reason: released by staff)")
    def release_selected(self, request, queryset):
        for hold in queryset.filter(released_at__isnull=True):
            holds.release_hold(hold=hold, reason="Released by staff.", staff=request.user)
        messages.success(request, "Released.")

    def has_delete_permission(self, request, obj=None):
        return False


# --- Versions of the policy and terms (§9) ---------------------------------------------------


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ("document", "text", "changelog", "effective_at", "reduces_rights")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        problems = versions.check_draft(
            text=cleaned.get("text", ""),
            changelog=cleaned.get("changelog", ""),
            effective_at=cleaned.get("effective_at"),
            reduces_rights=cleaned.get("reduces_rights", False),
        )
        for name, problem in problems.items():
            self.add_error(name, problem)
        return cleaned


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Staff write a draft, then publish it; a published version is never edited."""

    form = PolicyVersionForm
    list_display = (
        "__str__",
        "state",
        "effective_at",
        "reduces_rights",
        "published_at",
        "notice_progress",
    )
    list_filter = ("document", "reduces_rights")
    change_form_template = "admin/privacy/policyversion/change_form.html"

    @admin.display(description=_("state"))
    def state(self, obj: PolicyVersion) -> str:
        if obj.published_at is None:
            return _("Draft")
        if obj.effective_at > timezone.now():
            return _("Published, not in force yet")
        return _("Published")

    @admin.display(description=_("emails"))
    def notice_progress(self, obj: PolicyVersion) -> str:
        notice = ChangeNotice.objects.filter(version=obj).first()
        if notice is None:
            return "-" if not obj.reduces_rights else _("Sent when published")
        return notices.progress_words(notice)

    def get_fields(self, request, obj=None):
        fields = PolicyVersionForm.Meta.fields
        return fields if obj is None else ("version", *fields, "published_at", "notice_progress")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.published_at is not None:
            # A record of what people were told and agreed to: never edited.
            return self.get_fields(request, obj)
        return ("version", "document", "published_at", "notice_progress")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.published_at is None
        )

    def save_model(self, request, obj, form, change):
        try:
            versions.save_draft(version=obj)
        except versions.VersionError as error:  # the form checked; the rules changed since
            self.message_user(request, str(error), messages.ERROR)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publish/", wrap(self.publish_view), name="privacy_policyversion_publish"
            ),
            *super().get_urls(),
        ]

    @access(STAFF, "privacy.change_policyversion")
    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = permitted_object(self, request, pk, change=True)
        change_url = reverse("admin:privacy_policyversion_change", args=[pk])
        if request.method == "POST":
            try:
                versions.publish_version(version=version)
            except versions.VersionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.log_change(request, version, "Published.")
                self.message_user(
                    request,
                    _("Published. Every active person is being emailed; progress shows here.")
                    if version.reduces_rights
                    else _("Published."),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **object_context(
                self, request, version, _("Publish %(version)s") % {"version": version}
            ),
            "audience": versions.notice_audience().count() if version.reduces_rights else 0,
            "notice_days": promises.POLICY_NOTICE_DAYS,
            "soonest": versions.earliest_effective_at(reduces_rights=version.reduces_rights),
        }
        return TemplateResponse(request, "admin/privacy/policyversion/publish.html", context)


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(RecordAdmin):
    """Emails about a change, sent in batches: their progress."""

    list_display = ("__str__", "kind", "state", "progress", "created_at", "finished_at")
    list_filter = ("kind", "state")
    readonly_fields = ("progress",)

    @admin.display(description=_("progress"))
    def progress(self, obj: ChangeNotice) -> str:
        return notices.progress_words(obj)


# --- Legal requests (§3.2) -----------------------------------------------------------------------


class LegalRequestForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=_("data categories in scope"),
        choices=legal.category_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = LegalRequest
        fields = (
            "agency",
            "reference",
            "legal_basis",
            "received_on",
            "data_categories",
            "status",
            "notice_prohibited_until",
            "notes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(status := self.fields.get("status"), forms.ChoiceField):
            allowed = legal.allowed_statuses(self.instance)
            status.choices = [c for c in LegalRequest.Status.choices if c[0] in allowed]
            if self.instance.pk:
                status.help_text = _("Disclosing has its own step: “Disclose…” above.")

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received and received > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be received in the future."))
        return received


class LegalRequestSubjectInline(admin.TabularInline):
    model = LegalRequestSubject
    fields = ("person", "added", "notified_at", "disclosed_at", "package_link")
    readonly_fields = ("added", "notified_at", "disclosed_at", "package_link")
    autocomplete_fields = ("person",)  # found by name or email (UserAdmin.search_fields)
    extra = 1
    verbose_name = _("person in scope")
    verbose_name_plural = _("people in scope")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # The person is chosen here; accounts are made and removed elsewhere.
        if db_field.name == "person" and field is not None:
            field.widget.can_add_related = field.widget.can_delete_related = False
            field.widget.can_change_related = False
        return field

    @admin.display(description=gettext_lazy("added at"))
    def added(self, obj: LegalRequestSubject) -> str:
        # An empty row is not added yet: its default time would say it was, just now.
        return date_format(timezone.localtime(obj.added_at), "DATETIME_FORMAT") if obj.pk else ""

    @admin.display(description=_("data handed over"))
    def package_link(self, obj: LegalRequestSubject) -> str:
        if not obj.pk or obj.disclosed_at is None:
            return "-"
        if not obj.package:
            if obj.package_ready_at:
                return _("Deleted after %(days)d days") % {"days": promises.LEGAL_PACKAGE_DAYS}
            return _("Being prepared")
        url = reverse("admin:privacy_legalrequest_package", args=[obj.request_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download (ZIP)"))

    def _scope_open(self, obj) -> bool:
        return obj is None or obj.status in legal.OPEN

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._scope_open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._scope_open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._scope_open(obj)


# What staff see of a recorded request and never edit.
_RECORDED = (
    "notice",
    "created_by",
    "created_at",
    "status_changed_at",
    "disclosed_at",
    "disclosed_by",
)


@admin.register(LegalRequest)
class LegalRequestAdmin(admin.ModelAdmin):
    """The workflow: record, review, challenge or reject, disclose; notice when allowed."""

    form = LegalRequestForm
    inlines = [LegalRequestSubjectInline]
    list_display = ("__str__", "received_on", "status", "notice", "disclosed_at")
    list_filter = ("status",)
    search_fields = ("agency", "reference", "subjects__person__email", "subjects__person__name")
    change_form_template = "admin/privacy/legalrequest/change_form.html"

    @admin.display(description=_("notice to the people concerned"))
    def notice(self, obj: LegalRequest) -> str:
        if obj.status == LegalRequest.Status.RECEIVED:
            return _("Not before review")
        if obj.notice_prohibited_until and obj.notice_prohibited_until >= timezone.localdate():
            return _("Prohibited until %(date)s") % {
                "date": date_format(obj.notice_prohibited_until)
            }
        return _("Allowed: emailed by the next run of the notice job")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in legal.FINAL:
            # What was asked and handed over is a record; a new gag order may still come.
            editable = ("notice_prohibited_until", "notes")
            return (*_RECORDED, *(f for f in LegalRequestForm.Meta.fields if f not in editable))
        return _RECORDED

    def get_fields(self, request, obj=None):
        return LegalRequestForm.Meta.fields + (_RECORDED if obj else ())

    def save_model(self, request, obj, form, change):
        if not change:
            legal.record_request(request=obj, staff=request.user)
            return
        wanted = obj.status
        obj.status = LegalRequest.objects.values_list("status", flat=True).get(pk=obj.pk)
        obj.save()
        if wanted != obj.status:
            try:
                legal.set_status(request=obj, status=wanted)
            except legal.LegalRequestError as error:
                self.message_user(request, str(error), messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = "privacy_legalrequest"
        return [
            path("<int:pk>/disclose/", wrap(self.disclose_view), name=f"{name}_disclose"),
            path(
                "<int:pk>/package/<int:subject_pk>/",
                wrap(self.package_view),
                name=f"{name}_package",
            ),
            *super().get_urls(),
        ]

    @access(STAFF, "privacy.change_legalrequest")
    def disclose_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = permitted_object(self, request, pk, change=True)
        change_url = reverse("admin:privacy_legalrequest_change", args=[pk])
        if request.method == "POST":
            try:
                legal.disclose_request(
                    request=obj, staff=request.user, in_part=request.POST.get("extent") == "part"
                )
            except legal.LegalRequestError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.log_change(request, obj, "Disclosed.")
                self.message_user(
                    request,
                    _(
                        "Disclosed. The data of each person is being prepared: download links "
                        "appear below. Each person's disclosure log shows it once notice is "
                        "allowed."
                    ),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **object_context(
                self, request, obj, _("Disclose data for %(request)s") % {"request": obj}
            ),
            "people": list(obj.subjects.filter(person__isnull=False).select_related("person")),
            "categories": legal.category_labels(obj.data_categories, for_staff=True),
            "may_disclose": obj.status in legal.MAY_DISCLOSE,
            "notice_allowed": legal.notice_allowed(obj),
        }
        return TemplateResponse(request, "admin/privacy/legalrequest/disclose.html", context)

    @access(STAFF, "privacy.view_legalrequest")
    def package_view(self, request: HttpRequest, pk: int, subject_pk: int) -> HttpResponseBase:
        obj = permitted_object(self, request, pk, change=False)
        subject = LegalRequestSubject.objects.filter(pk=subject_pk, request=obj).first()
        if subject is None or not subject.package:
            raise Http404
        return private_file_response(
            name=subject.package.name,
            download_name=f"legal-request-{obj.pk}-person-{subject.pk}.zip",
            content_type="application/zip",
            storage=subject.package.storage,
        )


# --- Processors (§3.3, §6) -------------------------------------------------------------------


class SubprocessorForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=_("data categories"),
        choices=processors.category_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=_("their privacy information"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Subprocessor
        fields = processors.PUBLIC_FIELDS

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("It cannot end before it starts."))
        return cleaned


@admin.register(Subprocessor)
class SubprocessorAdmin(admin.ModelAdmin):
    """Every change people see is emailed once to the subscribers (privacy.documents.processors)."""

    form = SubprocessorForm
    list_display = ("name", "country", "since", "until")
    search_fields = ("name",)
    readonly_fields = ("recent_changes",)

    def get_fields(self, request, obj=None):
        return (*processors.PUBLIC_FIELDS, *(("recent_changes",) if obj else ()))

    @admin.display(description=_("changes"))
    def recent_changes(self, obj: Subprocessor) -> str:
        changes = obj.changes.order_by("-created_at")[:10]
        return (
            format_html_join(
                "\n",
                "<p>{} ({}): {}</p>",
                (
                    (date_format(timezone.localtime(c.created_at)), c.get_kind_display(), c.summary)
                    for c in changes
                ),
            )
            or "-"
        )

    def save_model(self, request, obj, form, change):
        change = processors.save_processor(processor=obj, staff=request.user)
        if change is not None:
            self.message_user(
                request,
                _(
                    "Subscribers will be emailed about this change (with any other made soon "
                    "after)."
                ),
                messages.INFO,
            )

    def has_delete_permission(self, request, obj=None):
        # Removing one is setting "until": people keep seeing it among those no longer used.
        return False


@admin.register(ProcessorChange)
class ProcessorChangeAdmin(RecordAdmin):
    list_display = ("created_at", "kind", "processor", "summary", "changed_by", "notice")
    list_filter = ("kind",)
    list_select_related = ("processor", "changed_by", "notice")


@admin.register(ProcessorSubscription)
class ProcessorSubscriptionAdmin(ReadOnlyAdmin):
    """Who asked for emails about processors; staff remove one when someone asks."""

    list_display = ("__str__", "person", "email", "confirmed_at")
    search_fields = ("email", "person__email", "person__name")
    list_select_related = ("person",)
    raw_id_fields = ("person",)
