from django.contrib import admin
from django.urls import include, path

from knutpunkt.publicdiary import views as publicdiary_views

admin.site.site_header = "Knutpunkt – administration"
admin.site.site_title = "Knutpunkt"
admin.site.index_title = "Systemförvaltning"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("knutpunkt.api.urls")),
    path("api/public/v1/", include("knutpunkt.publicdiary.api_urls")),
    path("diarium/", include("knutpunkt.publicdiary.urls")),
    path("robots.txt", publicdiary_views.robots_txt),
    path("", include("knutpunkt.web.urls")),
]
