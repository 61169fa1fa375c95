"""The stored Evidently report, for staff only."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from monitoring.models import DriftReport


@require_GET
def report_html(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Signed-in people who are not staff are not told that reports exist.
    if not request.user.is_staff:
        raise Http404("No such page.")
    report = get_object_or_404(DriftReport, pk=pk)
    if not report.html:
        raise Http404("This drift report has no HTML (it did not compare windows).")
    response = FileResponse(report.html.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
