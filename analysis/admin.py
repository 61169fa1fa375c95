"""Staff view of analyses: find them, see what ran, and run them again on today's model."""

import io
import json

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from PIL import Image

from analysis import services
from analysis.models import Analysis

THUMBNAIL_SIDE = 96


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "thumbnail",
        "status",
        "model_version",
        "engine_code",
        "owner_email",
        "queued_at",
        "finished_at",
    ]
    list_filter = ["status", "model_version", "engine_code"]
    search_fields = ["selfie__owner__email"]
    search_help_text = "An owner's e-mail address, or an analysis id."
    list_select_related = ["selfie__owner"]
    date_hierarchy = "queued_at"
    actions = ["rerun"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request):
        # An analysis comes from a person's upload, never from a form here.
        return False

    # Deleting here goes through the service, as the person's own delete does: the admin's
    # own deletion removed the rows and left the photos in storage (and the drift reports).
    def delete_model(self, request, obj):
        services.analysis_delete(analysis=obj)

    def delete_queryset(self, request, queryset):
        for analysis in queryset:
            services.analysis_delete(analysis=analysis)

    def get_readonly_fields(self, request, obj=None):
        # Results are what a model said; editing them would make them lie.
        return [field.name for field in Analysis._meta.fields] + [
            "thumbnail",
            "result_json",
            "drape_picture",
        ]

    def get_fields(self, request, obj=None):
        # The photo beside its selfie, and the result as indented JSON rather than one line.
        fields = []
        for field in Analysis._meta.fields:
            if field.name == "result":
                fields.append("result_json")
            elif field.name == "drape":
                # The file's own link points at storage that is never served.
                fields.append("drape_picture")
            else:
                fields.append(field.name)
            if field.name == "selfie":
                fields.append("thumbnail")
        return fields

    @admin.display(description="result")
    def result_json(self, analysis: Analysis) -> str:
        if analysis.result is None:
            return "-"
        text = json.dumps(analysis.result, indent=2, ensure_ascii=False)
        return format_html('<pre class="analysis-result">{}</pre>', text)

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lstrip("#")
        if term.isdigit():
            found |= queryset.filter(pk=int(term))
        return found, may_have_duplicates

    @admin.display(description="owner", ordering="selfie__owner__email")
    def owner_email(self, analysis: Analysis) -> str:
        return analysis.selfie.owner.email

    @admin.display(description="photo")
    def thumbnail(self, analysis: Analysis) -> str:
        if not analysis.selfie.image:
            return "purged"
        url = reverse("admin:analysis_analysis_thumbnail", args=[analysis.pk])
        return format_html(
            '<img src="{}" alt="selfie of analysis {}" width="{}" loading="lazy">',
            url,
            analysis.pk,
            THUMBNAIL_SIDE // 2,
        )

    @admin.display(description="drape")
    def drape_picture(self, analysis: Analysis) -> str:
        if not analysis.drape:
            return "not drawn (it is drawn when its owner first opens it)"
        url = reverse("admin:analysis_analysis_drape", args=[analysis.pk])
        return format_html(
            '<a href="{}"><img src="{}" alt="draping picture of analysis {}" width="360"></a>',
            url,
            url,
            analysis.pk,
        )

    @admin.action(description="Re-run with the production model", permissions=["change"])
    def rerun(self, request, queryset):
        queued = services.analyses_rerun(analyses=queryset)
        skipped = queryset.count() - len(queued)
        self.message_user(request, f"Queued {len(queued)} analyses for the production model.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} could not run again: their photos were deleted.",
                messages.WARNING,
            )

    def get_urls(self):
        thumbnail = path(
            "<int:pk>/thumbnail.jpg",
            self.admin_site.admin_view(self.thumbnail_view),
            name="analysis_analysis_thumbnail",
        )
        drape = path(
            "<int:pk>/drape.png",
            self.admin_site.admin_view(self.drape_view),
            name="analysis_analysis_drape",
        )
        return [thumbnail, drape, *super().get_urls()]

    def thumbnail_view(self, request, pk: int):
        """A small JPEG of the selfie, for staff who may view analyses."""
        analysis = self._viewable(request, pk)
        if not analysis.selfie.image:
            raise Http404
        with analysis.selfie.image.open("rb") as handle:
            picture = Image.open(handle)
            # JPEG draft mode decodes at 1/2..1/8 scale: a list of 100 rows stays quick.
            picture.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            picture = picture.convert("RGB")
            picture.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=80)
        response = HttpResponse(buffer.getvalue(), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response

    def drape_view(self, request, pk: int):
        """The stored draping picture, for staff who may view analyses."""
        analysis = self._viewable(request, pk)
        if not analysis.drape:
            raise Http404
        with analysis.drape.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response

    def _viewable(self, request, pk: int) -> Analysis:
        analysis = Analysis.objects.select_related("selfie").filter(pk=pk).first()
        if analysis is None or not self.has_view_permission(request, analysis):
            raise Http404
        return analysis
