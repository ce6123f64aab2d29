"""/log-ind/<provider>/start/ and …/svar/ (the redirect URI to register at the provider)."""

from django.urls import path

from . import views

app_name = "oidc"

urlpatterns = [
    path("personale/start/", views.StaffStart.as_view(), name="staff_start"),
    path("personale/svar/", views.StaffCallback.as_view(), name="staff_callback"),
    path("mitid/start/", views.RelativeStart.as_view(), name="relative_start"),
    path("mitid/svar/", views.RelativeCallback.as_view(), name="relative_callback"),
]
