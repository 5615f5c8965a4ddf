from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.accounts.queries import erasures_pending, roles_of
from bearing.accounts.recent_auth import require_recent_auth
from bearing.engagements.queries import Relation, engagement_get_for, engagements_coached_by

from . import erasure, services
from .forms import ExportRequestForm
from .models import DataExport, ExportKind


def _page(request, form=None, status: int = 200):
    user = request.user
    is_coach = roles_of(user).is_coach
    return render(
        request,
        "exports/home.html",
        {
            "form": form,
            "is_coach": is_coach,
            "engagements": list(engagements_coached_by(user)) if is_coach else [],
            "exports": DataExport.objects.filter(user=user).defer("archive"),
            "erasure": erasures_pending([user.pk]).get(user.pk),
            "grace_days": erasure.grace_period().days,
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def home(request):
    return _page(request)


@never_cache
@login_required
@require_POST
@require_recent_auth(return_to=lambda request: reverse("exports:home"))
def export_request(request):
    form = ExportRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    kind = form.cleaned_data["kind"]
    engagement = None
    if kind == ExportKind.COACH_NOTES:
        if not roles_of(request.user).is_coach:
            raise Http404("Not found")
        if form.cleaned_data["engagement"]:
            engagement, _ = engagement_get_for(
                request.user, form.cleaned_data["engagement"], allow={Relation.COACH}
            )
    services.export_request(user=request.user, kind=kind, engagement=engagement, request=request)
    messages.success(
        request, "Your export is being prepared. We will email you a link when it is ready."
    )
    return redirect("exports:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def download(request, code, token: str):
    """GET: a page with the download button (a mail scanner opening the link
    takes nothing). POST: the archive, once; it is deleted as it goes."""
    export = services.export_for_download(user=request.user, code=code, token=token)
    if request.method == "GET":
        return render(request, "exports/download.html", {"export": export})
    data = services.export_take(export=export, request=request)
    # export_for_download hands over only a ready export.
    day = export.ready_at.astimezone(request.user.tz).date().isoformat()  # type: ignore[union-attr]
    name = "bearing-notes" if export.kind == ExportKind.COACH_NOTES else "bearing-export"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_POST
@require_recent_auth(return_to=lambda request: reverse("exports:home"))
def erasure_request(request):
    try:
        pending = erasure.erasure_request(person=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exports:home")
    day = pending.erase_after.astimezone(request.user.tz).strftime("%-d %B %Y")
    messages.success(
        request, f"Your erasure is set for {day}. Until then you can cancel it on this page."
    )
    return redirect("exports:home")


@never_cache
@login_required
@require_POST
def erasure_cancel(request):
    try:
        erasure.erasure_cancel(person=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exports:home")
    messages.success(request, "Your erasure is cancelled. Nothing was erased.")
    return redirect("exports:home")
