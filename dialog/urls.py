"""The relatives' side of the dialog, under /dialog/. Each part adds its own patterns."""

app_name = "dialog"

urlpatterns = []
