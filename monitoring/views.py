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
    # The report holds each compared analysis's measurements: only those who may view drift
    # reports in the admin may read it (staff without that permission were let in); others
    # are not told that reports exist.
    if not (request.user.is_staff and request.user.has_perm("monitoring.view_driftreport")):
        raise Http404("No such page.")
    report = get_object_or_404(DriftReport, pk=pk)
    if not report.html:
        raise Http404("This drift report has no HTML (it did not compare windows).")
    response = FileResponse(report.html.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    # Evidently's page runs its own scripts: sandboxed, they run in an origin of their own,
    # with no access to the site's cookies or its API.
    response["Content-Security-Policy"] = "sandbox allow-scripts"
    return response
