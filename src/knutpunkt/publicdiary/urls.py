app_name = "publicdiary"
urlpatterns: list = []
