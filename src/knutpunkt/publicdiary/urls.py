from django.urls import path

from . import views
from .feeds import NewRegistrationsFeed

app_name = "publicdiary"
urlpatterns = [
    path("", views.index, name="index"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("flode.atom", NewRegistrationsFeed(), name="feed"),
    path("m/<int:authority_id>/", views.authority, name="authority"),
    path("m/<int:authority_id>/flode.atom", NewRegistrationsFeed(), name="authority_feed"),
    path("m/<int:authority_id>/arende/<uuid:object_id>/", views.case_detail, name="case"),
    path("m/<int:authority_id>/handling/<uuid:object_id>/", views.document_detail, name="document"),
    path("begar/<uuid:object_id>/", views.request_form, name="request"),
    path("begaran/<str:token>/", views.request_status, name="request_status"),
    path("handlaggning/", views.staff_queue, name="staff_queue"),
    path("handlaggning/<int:pk>/status/", views.staff_set_status, name="staff_set_status"),
]
