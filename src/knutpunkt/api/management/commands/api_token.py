"""`knutpunkt api-token USERNAME [--rotate]`: print the user's API token."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Skriver ut användarens API-nyckel (skapar den om den saknas). --rotate ersätter den."

    def add_arguments(self, parser):
        parser.add_argument("username", help="användarnamn")
        parser.add_argument("--rotate", action="store_true", help="ersätt nyckeln med en ny (den gamla slutar gälla)")

    @transaction.atomic
    def handle(self, *args, username, rotate=False, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Användaren {username!r} finns inte.")
        if not user.is_active:
            raise CommandError(f"Användaren {username!r} är inaktiverad; en nyckel skulle inte fungera.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if rotate:
            self.stderr.write("Ny nyckel skapad; den gamla gäller inte längre.")
        elif created:
            self.stderr.write("Ny nyckel skapad.")
        self.stdout.write(token.key)
