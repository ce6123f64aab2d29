from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("tak/", views.thanks, name="thanks"),
    path("bekraeft/<str:token>/", views.confirm, name="confirm"),
    path("indstillinger/<str:token>/", views.manage, name="manage"),
    path("indstillinger/<str:token>/data.json", views.export, name="export"),
    path("indstillinger/<str:token>/slet/", views.delete, name="delete"),
    path("afmeld/<str:token>/", views.one_click_unsubscribe, name="unsubscribe"),
]
