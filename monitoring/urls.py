from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("staff/drift/<int:pk>/report.html", views.report_html, name="drift-report-html"),
]
