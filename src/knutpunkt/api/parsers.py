"""A JSON parser with a size limit.

DRF reads a JSON body straight from the stream, past Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check; a body of base64-encoded files could otherwise be
any size and all of it held in memory. Large files belong in multipart/form-data,
which Django streams to disk.
"""

from django.conf import settings
from rest_framework import exceptions, parsers


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "Begäran är för stor. Skicka stora filer som multipart/form-data i stället för base64 i JSON."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestTooLarge()
        return super().parse(stream, media_type, parser_context)
