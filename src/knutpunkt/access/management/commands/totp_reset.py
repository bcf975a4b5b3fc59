"""`knutpunkt totp-reset USERNAME [--by ADMIN] [--reason TEXT]`: remove a user's
authenticator (TOTP) devices, e.g. after a lost phone. The next sign-in sets up a new
one. Audited (signin.otp_reset)."""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from knutpunkt.access import signin
from knutpunkt.organisations.services import is_global_admin


class Command(BaseCommand):
    help = "Tar bort användarens autentiseringsappar (tvåstegsverifiering). Nästa inloggning aktiverar en ny."

    def add_arguments(self, parser):
        parser.add_argument("username", help="användaren vars tvåstegsverifiering återställs")
        parser.add_argument("--by", dest="by", default="", help="den globala administratör som gör återställningen (loggas)")
        parser.add_argument("--reason", default="", help="varför (loggas), t.ex. ”borttappad telefon”")

    def handle(self, *args, username, by="", reason="", **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Användaren {username!r} finns inte.")
        actor = None
        if by:
            actor = User.objects.filter(**{User.USERNAME_FIELD: by}).first()
            if actor is None or not is_global_admin(actor):
                raise CommandError(f"{by!r} är inte en aktiv global administratör.")
        try:
            os_user = getpass.getuser()
        except Exception:  # no login name in some containers
            os_user = "okänd"
        actor_name = actor.get_username() if actor else f"kommandorad ({os_user})"
        removed = signin.reset_devices(user, actor=actor, actor_name=actor_name, reason=reason)
        self.stdout.write(f"Tvåstegsverifieringen för {username} är återställd ({removed} enheter borttagna). Nästa inloggning aktiverar en ny autentiseringsapp.")
