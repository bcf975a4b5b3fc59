import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knutpunkt.settings.production")
application = get_wsgi_application()
