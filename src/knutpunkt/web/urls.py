"""Staff pages. Paths are Swedish, like the pages; names are stable for templates and tests."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import urls_signin
from .views import cases, documents, home, register, search, secrecy

app_name = "web"
urlpatterns = [
    path("", home.my_work, name="my_work"),
    *urls_signin.urlpatterns,
    # Registering
    path("registrera/", register.register, name="register"),
    path("registrera/arende/", register.case_lookup, name="case_lookup"),
    path("registrera/typer/", register.register_types, name="register_types"),
    path("registrera/sekretess/", register.register_secrecy, name="register_secrecy"),
    # Finding
    path("arenden/", search.search, name="search"),
    path("sok/", login_required(RedirectView.as_view(pattern_name="web:search", query_string=True)), name="search_short"),
    path("diarieutdrag/", search.journal, name="journal"),
    # A case and its actions
    path("arende/<uuid:case_id>/", cases.case_detail, name="case_detail"),
    path("arende/<uuid:case_id>/andra/", cases.case_edit, name="case_edit"),
    path("arende/<uuid:case_id>/status/", cases.case_status, name="case_status"),
    path("arende/<uuid:case_id>/avsluta/", cases.case_close, name="case_close"),
    path("arende/<uuid:case_id>/ateroppna/", cases.case_reopen, name="case_reopen"),
    path("arende/<uuid:case_id>/makulera/", cases.case_void, name="case_void"),
    path("arende/<uuid:case_id>/handlingar/", cases.case_add_document, name="case_add_document"),
    path("arende/<uuid:case_id>/bevakningar/", cases.case_add_deadline, name="case_add_deadline"),
    path("arende/<uuid:case_id>/bevakningar/<int:deadline_id>/klar/", cases.deadline_complete, name="deadline_complete"),
    path("arende/<uuid:case_id>/parter/", cases.case_add_party, name="case_add_party"),
    path("arende/<uuid:case_id>/lankar/", cases.case_link, name="case_link"),
    # Sekretess och åtkomst
    path("arende/<uuid:pk>/sekretess/", secrecy.case_marking, name="case_marking"),
    path("arende/<uuid:pk>/sekretess/hav/", secrecy.case_revoke, name="case_revoke"),
    path("arende/<uuid:pk>/personuppgifter/", secrecy.case_personal_data, name="case_personal_data"),
    path("arende/<uuid:pk>/atkomst/", secrecy.case_restriction, name="case_restriction"),
    # /arende/KS 2026/12/ → the case page (after the UUID paths, which it would swallow)
    path("arende/<path:reference>/", cases.case_by_reference, name="case_by_reference"),
    # A document, its files
    path("handling/<uuid:document_id>/", documents.document_detail, name="document_detail"),
    path("handling/<uuid:document_id>/andra/", documents.document_edit, name="document_edit"),
    path("handling/<uuid:document_id>/makulera/", documents.document_void, name="document_void"),
    path("handling/<uuid:document_id>/filer/", documents.document_add_file, name="document_add_file"),
    path("handling/<uuid:pk>/sekretess/", secrecy.document_marking, name="document_marking"),
    path("handling/<uuid:pk>/sekretess/hav/", secrecy.document_revoke, name="document_revoke"),
    path("handling/<uuid:pk>/personuppgifter/", secrecy.document_personal_data, name="document_personal_data"),
    path("handling/<uuid:pk>/atkomst/", secrecy.document_restriction, name="document_restriction"),
    path("handling/<path:reference>/", documents.document_by_reference, name="document_by_reference"),
    path("fil/<uuid:file_id>/", documents.file_download, name="file_download"),
    path("fil/<uuid:file_id>/versioner/", documents.file_add_version, name="file_add_version"),
    path("fil/<uuid:file_id>/sekretess/", secrecy.file_secrecy, name="file_secrecy"),
]
