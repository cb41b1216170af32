"""The person's privacy pages: export (§7), deletion (§5, §7) and "my data" (§1, §3)."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobletters.access import OWNER, SIGNED_IN, access
from jobletters.lib.files import private_file_response
from privacy import promises
from privacy.forms import ConfirmDeletionForm
from privacy.models import ExportRequest
from privacy.rights import freeze
from privacy.rights.my_data import category_records, my_data_for

from . import deletion as deletions
from . import export as copies


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            copies.request_export(user=request.user)
        except copies.ExportTooSoon as too_soon:
            messages.error(
                request,
                "You asked for a copy less than "
                f"{promises.EXPORT_INTERVAL_HOURS} hours ago. You can ask again from "
                f"{timezone.localtime(too_soon.available_at):%d %B %Y at %H:%M} UTC.",
            )
        else:
            messages.success(
                request, "We are preparing your copy. This page shows progress; we email you."
            )
        return redirect("privacy:export")
    exports = list(copies.exports_of(request.user)[:10])
    return render(
        request,
        "privacy/export.html",
        {
            "exports": exports,
            "next_export_at": copies.next_export_at(user=request.user),
            "expiry_days": promises.EXPORT_EXPIRY_DAYS,
            "interval_hours": promises.EXPORT_INTERVAL_HOURS,
        },
    )


@access(OWNER)
@login_required
@require_GET
def export_status(request: HttpRequest, export_id: int) -> JsonResponse:
    """What the progress bar polls (static/js/export-progress.js)."""
    row = get_object_or_404(copies.exports_of(request.user), pk=export_id)
    return JsonResponse(
        {
            "state": row.state,
            "state_label": row.get_state_display(),
            "progress": row.progress,
            "step": row.step,
            "done": not row.in_progress,
        },
        headers={"Cache-Control": "private, no-store"},
    )


@access(OWNER)
@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    # Another person's id is a 404 before any password is asked for.
    row = get_object_or_404(copies.exports_of(request.user), pk=export_id)
    return _export_file(request, row)


@reauthentication_required
def _export_file(request: HttpRequest, row: ExportRequest) -> HttpResponseBase:
    if row.state == ExportRequest.State.EXPIRED or (
        row.expires_at is not None and row.expires_at <= timezone.now()
    ):
        return render(request, "privacy/export_gone.html", status=410)
    if row.state != ExportRequest.State.READY or not row.file:
        raise Http404("This copy is not ready.")
    copies.mark_export_downloaded(export=row)
    return private_file_response(
        name=row.file.name,
        download_name=f"job-letters-data-{row.requested_at:%Y-%m-%d}.zip",
        content_type="application/zip",
        storage=row.file.storage,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    deletion = deletions.open_deletion_of(request.user)
    form = ConfirmDeletionForm(request.POST or None, user=request.user)
    if request.method == "POST" and deletion is None and form.is_valid():
        deletion = deletions.request_deletion(
            user=request.user, keep_session=request.session.session_key
        )
        request.session[freeze.SESSION_FLAG] = True
        messages.success(request, _("Your account is frozen and will be deleted."))
        return redirect("privacy:delete")
    if deletion is not None:
        request.session[freeze.SESSION_FLAG] = True
    else:
        request.session.pop(freeze.SESSION_FLAG, None)
    return render(
        request,
        "privacy/delete.html",
        {
            "deletion": deletion,
            "form": form,
            "kept": deletions.kept_after_deletion(request.user) if deletion is None else [],
            "grace_days": promises.DELETION_GRACE_DAYS,
            "deadline_days": promises.DELETION_DEADLINE_DAYS,
        },
    )


@login_required
@require_POST
def cancel_deletion(request: HttpRequest) -> HttpResponse:
    if deletions.cancel_deletion(user=request.user) is not None:
        messages.success(request, _("Deletion cancelled. Your account works again as before."))
    request.session.pop(freeze.SESSION_FLAG, None)
    return redirect("privacy:delete")


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/my_data.html", my_data_for(request.user))


@access(SIGNED_IN)
@login_required
@require_GET
def my_data_category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        declaration, records, more = category_records(request.user, slug)
    except LookupError:
        raise Http404("No such category.") from None
    columns = list(declaration.fields) + list(declaration.file_fields)
    return render(
        request,
        "privacy/my_data_category.html",
        {
            "declaration": declaration,
            "columns": columns,
            "rows": [[record.get(c) for c in columns] for record in records],
            "more": more,
        },
    )
