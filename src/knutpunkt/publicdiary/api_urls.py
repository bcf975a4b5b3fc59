app_name = "publicapi"
urlpatterns: list = []
