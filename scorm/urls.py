"""The player's routes, under /package-content/scorm/ on the content origin."""

from django.urls import path

from . import views

app_name = "scorm"

urlpatterns = [
    path("preview/<str:token>/", views.preview, name="preview"),
    path("<str:token>/", views.player, name="player"),
    path("<str:token>/commit/<uuid:sco_uuid>/", views.commit, name="commit"),
    path("<str:token>/navigation/", views.navigation, name="navigation"),
]
