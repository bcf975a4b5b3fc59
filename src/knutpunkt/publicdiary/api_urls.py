from django.urls import path

from . import api

app_name = "publicapi"
urlpatterns = [
    path("entries/", api.entries, name="entries"),
    path("entries/<uuid:object_id>/", api.entry, name="entry"),
]
