from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("arrangementer/<int:pk>/tilmelding/", views.event_signup, name="event_signup"),
    path("tilmelding/<str:token>/", views.signup_status, name="signup_status"),
    path("tilmelding/<str:token>/afmeld/", views.signup_cancel, name="signup_cancel"),
    path("frivillig/<int:pk>/", views.volunteer, name="volunteer"),
    path("frivillig/<int:pk>/tak/", views.volunteer_thanks, name="volunteer_thanks"),
    path("foreslaa-aktivitet/<int:pk>/", views.propose, name="propose"),
    path("foreslaa-aktivitet/<int:pk>/tak/", views.propose_thanks, name="propose_thanks"),
]
