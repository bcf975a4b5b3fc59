"""Sign-in pages (login, two-factor, logout). Kept apart from the case pages' urls so
the two can change independently; included into the `web` namespace by urls.py."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from .views import home

urlpatterns = [
    path("logga-in/", home.StaffLoginView.as_view(), name="login"),
    path("logga-ut/", LogoutView.as_view(), name="logout"),
]
