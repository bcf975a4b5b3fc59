"""Sign-in pages (login, two-factor, logout). Kept apart from the case pages' urls so
the two can change independently; included into the `web` namespace by urls.py."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from .views import signin

urlpatterns = [
    path("logga-in/", signin.StaffLoginView.as_view(), name="login"),
    path("logga-in/kod/", signin.otp_verify, name="login_otp"),
    path("logga-in/tvastegsverifiering/", signin.otp_enrol, name="login_otp_enrol"),
    path("logga-ut/", LogoutView.as_view(), name="logout"),
]
