from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("account/data/", views.home, name="home"),
    path("account/data/export/", views.export_request, name="request"),
    path("account/data/<uuid:code>/<str:token>/", views.download, name="download"),
]
