from django.urls import path

from . import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_index, name="index"),
    path("<id:pk>/", views.facility_detail, name="detail"),
    path("<id:pk>/kalender/<str:token>.ics", views.feed, name="feed"),
    path("booking/<str:token>/", views.booking_status, name="booking_status"),
    path("booking/<str:token>/aflys/", views.booking_cancel, name="booking_cancel"),
]
