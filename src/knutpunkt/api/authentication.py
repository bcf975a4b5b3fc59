"""Token authentication that accepts both `Token <key>` and `Bearer <key>`.

DRF's TokenAuthentication knows one keyword; many HTTP clients and integration
platforms only offer "Bearer". Both carry the same token from `knutpunkt api-token`.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication
from rest_framework.authentication import get_authorization_header

KEYWORDS = (b"token", b"bearer")


class TokenAuthentication(DrfTokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in KEYWORDS:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Ogiltigt Authorization-huvud: ange `Token <nyckel>`.")
        try:
            key = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Ogiltigt Authorization-huvud: nyckeln innehåller otillåtna tecken.") from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        try:
            return super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            # One message for unknown and inactive: do not tell which accounts exist.
            raise exceptions.AuthenticationFailed("Ogiltig eller återkallad nyckel.") from None


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "knutpunkt.api.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <nyckel>` eller `Bearer <nyckel>`. Nyckeln skapas med `knutpunkt api-token ANVÄNDARNAMN`.",
        }
