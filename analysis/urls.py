"""The pages of analyses: upload, result, history (server-rendered)."""

from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("analyses/", views.history, name="history"),
    path("analyses/<int:pk>/", views.result, name="result"),
    path("analyses/<int:pk>/colour-check", views.colour_check, name="colour-check"),
    path("analyses/<int:pk>/selfie.jpg", views.selfie_image, name="selfie"),
    path("analyses/<int:pk>/drape.png", views.drape_image, name="drape"),
    path("analyses/<int:pk>/delete", views.delete, name="delete"),
]
