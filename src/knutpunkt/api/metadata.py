"""OPTIONS answers: what the endpoint is and which formats it takes. The request and
response shapes are in the OpenAPI schema (/api/v1/schema/), not repeated here."""

from rest_framework.metadata import SimpleMetadata


class PlainMetadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        metadata["schema"] = request.build_absolute_uri("/api/v1/schema/")
        return metadata

    def determine_actions(self, request, view):
        return {}
