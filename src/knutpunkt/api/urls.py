"""`/api/v1/`. Paths are written out (no router) because they are a contract:
/cases/, /cases/{id}/, /cases/{id}/documents/, /documents/{id}/,
/documents/{id}/files/ and /registrations/ must stay as they are.

Cases and documents take their UUID or their reference (diarienummer /
handlingsnummer, which contain a space and a slash — hence the regular expressions)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .problems import not_found_view
from .views import cases, catalog, documents, files, parties, registrations, search, secrecy

app_name = "api"

CASE = r"^cases/(?P<id>[^?#]+?)"
DOCUMENT = r"^documents/(?P<id>[^?#]+?)"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI only: drf-spectacular's Redoc page loads Google Fonts (no CDN here).
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),

    path("registrations/", registrations.RegistrationView.as_view(), name="registrations"),

    path("cases/", cases.CaseListView.as_view(), name="case-list"),
    re_path(CASE + r"/documents/$", documents.CaseDocumentsView.as_view(), name="case-documents"),
    re_path(CASE + r"/events/$", cases.CaseEventsView.as_view(), name="case-events"),
    re_path(CASE + r"/parties/$", cases.CasePartiesView.as_view(), name="case-parties"),
    re_path(CASE + r"/close/$", cases.CaseCloseView.as_view(), name="case-close"),
    re_path(CASE + r"/reopen/$", cases.CaseReopenView.as_view(), name="case-reopen"),
    re_path(CASE + r"/void/$", cases.CaseVoidView.as_view(), name="case-void"),
    re_path(CASE + r"/status/$", cases.CaseStatusView.as_view(), name="case-status"),
    re_path(CASE + r"/secrecy/$", secrecy.CaseSecrecyView.as_view(), name="case-secrecy"),
    re_path(CASE + r"/personal-data-level/$", secrecy.CasePersonalDataLevelView.as_view(), name="case-personal-data-level"),
    re_path(CASE + r"/restriction/$", secrecy.CaseRestrictionView.as_view(), name="case-restriction"),
    re_path(CASE + r"/$", cases.CaseDetailView.as_view(), name="case-detail"),

    path("search/cases/", search.CaseSearchView.as_view(), name="search-cases"),

    path("documents/", documents.DocumentListView.as_view(), name="document-list"),
    re_path(DOCUMENT + r"/files/$", files.DocumentFilesView.as_view(), name="document-files"),
    re_path(DOCUMENT + r"/void/$", documents.DocumentVoidView.as_view(), name="document-void"),
    re_path(DOCUMENT + r"/secrecy/$", secrecy.DocumentSecrecyView.as_view(), name="document-secrecy"),
    re_path(DOCUMENT + r"/personal-data-level/$", secrecy.DocumentPersonalDataLevelView.as_view(), name="document-personal-data-level"),
    re_path(DOCUMENT + r"/restriction/$", secrecy.DocumentRestrictionView.as_view(), name="document-restriction"),
    re_path(DOCUMENT + r"/$", documents.DocumentDetailView.as_view(), name="document-detail"),

    path("files/<uuid:id>/", files.FileDetailView.as_view(), name="file-detail"),
    path("files/<uuid:id>/versions/", files.FileVersionsView.as_view(), name="file-versions"),
    path("files/<uuid:id>/secrecy/", files.FileSecrecyView.as_view(), name="file-secrecy"),
    path("files/<uuid:id>/download/", files.FileDownloadView.as_view(), name="file-download"),
    path("files/<uuid:id>/versions/<int:version>/download/", files.FileVersionDownloadView.as_view(), name="file-version-download"),

    path("parties/", parties.PartyListView.as_view(), name="party-list"),
    path("parties/<uuid:id>/", parties.PartyDetailView.as_view(), name="party-detail"),

    path("legal-provisions/", secrecy.LegalProvisionListView.as_view(), name="legal-provision-list"),
    path("access-groups/", secrecy.AccessGroupListView.as_view(), name="access-group-list"),

    path("diaries/", catalog.DiaryListView.as_view(), name="diary-list"),
    path("diaries/<str:id>/", catalog.DiaryDetailView.as_view(), name="diary-detail"),
    path("diaries/<str:id>/journal/", catalog.DiaryJournalView.as_view(), name="diary-journal"),

    path("classification/schemes/", catalog.SchemeListView.as_view(), name="scheme-list"),
    path("classification/schemes/<int:id>/", catalog.SchemeDetailView.as_view(), name="scheme-detail"),
    path("classification/classes/", catalog.ClassListView.as_view(), name="class-list"),
    path("classification/case-types/", catalog.CaseTypeListView.as_view(), name="case-type-list"),
    path("classification/document-types/", catalog.DocumentTypeListView.as_view(), name="document-type-list"),

    re_path(r"^.*$", not_found_view),
]
