"""Authentication backend that refuses locked accounts before checking the password,
so a locked account cannot be used to guess passwords either."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import signin


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username") or kwargs.get(self._username_field())
        if username and signin.is_locked(username):
            if request is not None:
                request.knutpunkt_signin_locked = True
            # PermissionDenied stops Django trying other backends and fires user_login_failed.
            raise PermissionDenied("locked")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
