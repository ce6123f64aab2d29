from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("arrangementer/<id:pk>/tilmelding/", views.event_signup, name="event_signup"),
    path("tilmelding/<str:token>/", views.signup_status, name="signup_status"),
    path("tilmelding/<str:token>/afmeld/", views.signup_cancel, name="signup_cancel"),
    path("frivillig/<id:pk>/", views.volunteer, name="volunteer"),
    path("frivillig/<id:pk>/tak/", views.volunteer_thanks, name="volunteer_thanks"),
    path("foreslaa-aktivitet/<id:pk>/", views.propose, name="propose"),
    path("foreslaa-aktivitet/<id:pk>/tak/", views.propose_thanks, name="propose_thanks"),
]
