"""Staff view of drift reports: newest first, by status, with the Evidently report to open."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from monitoring.models import DriftReport


@admin.register(DriftReport)
class DriftReportAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created",
        "status",
        "model_version",
        "engine_code",
        "reference_size",
        "current_size",
        "drift_share",
        "drifted",
        "report_link",
    ]
    list_filter = ["status"]
    ordering = ["-created", "-pk"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        # A report is what a run measured; `manage.py drift_report` makes one now.
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in DriftReport._meta.fields] + ["report_link"]

    @admin.display(description="drifted columns")
    def drifted(self, report: DriftReport) -> str:
        return ", ".join(report.drifted_columns) or "-"

    @admin.display(description="report")
    def report_link(self, report: DriftReport) -> str:
        if not report.html:
            return "-"
        url = reverse("monitoring:drift-report-html", args=[report.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">open</a>', url)
