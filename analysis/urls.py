"""The pages of analyses: upload, result, history (server-rendered)."""

app_name = "analysis"

urlpatterns: list = []
