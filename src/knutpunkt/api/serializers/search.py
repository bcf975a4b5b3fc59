"""What the full staff search answers (/search/cases/). Built by the view from the
search engine's SearchResult; these classes describe it in the OpenAPI schema."""

from rest_framework import serializers

from .representations import CaseSerializer


class FacetValueSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True,
        help_text="Värdet att skicka tillbaka i parametern med samma namn (diary: diariets id, process: klassens id eller "
        "null för ärenden utan process, status, year, direction).",
    )
    label = serializers.CharField(help_text="Till exempel \"KS – Kommunstyrelsens diarium\", \"Avslutat\", \"Inkommande\".")
    count = serializers.IntegerField(help_text="Antal träffar med värdet, bland de ärenden du får se.")


class FacetsSerializer(serializers.Serializer):
    diary = FacetValueSerializer(many=True)
    process = FacetValueSerializer(many=True)
    status = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)
    direction = FacetValueSerializer(many=True, help_text="Ärenden med minst en handling (som du får se) av riktningen.")


class SnippetSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="Var träffen finns: \"Rubrik\", \"Beskrivning\", \"Parter\", \"Handling KS 2026/3-2\", \"Fil i KS 2026/3-2\".")
    html = serializers.CharField(
        help_text="Ett utdrag som HTML: texten är redan kodad (escaped) och sökorden står i <mark>. Bara text du får se."
    )


class CaseSearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Antal träffar (bara ärenden du får se).")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = CaseSerializer(many=True)
    facets = FacetsSerializer(help_text="Räknat över alla träffar med de valda filtren.")
    omitted_facets = serializers.ListField(
        child=serializers.CharField(),
        help_text="Fasetter som inte räknades för att träffarna var för många (listan är då tom); avgränsa sökningen för att få dem.",
    )
    snippets = serializers.DictField(
        child=SnippetSerializer(many=True), help_text="Utdrag per ärende på sidan: {ärendets id: [utdrag]}.",
    )
    truncated = serializers.BooleanField(
        help_text="Sant när orden fanns i fler ärenden än sökningen går igenom: bara de senast registrerade söktes. "
        "Lägg till ord eller filter.",
    )
