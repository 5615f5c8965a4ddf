from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("account/data/", views.home, name="home"),
    path("account/data/export/", views.export_request, name="request"),
    path("account/data/erasure/", views.erasure_request, name="erasure_request"),
    path("account/data/erasure/cancel/", views.erasure_cancel, name="erasure_cancel"),
    path("account/data/<uuid:code>/<str:token>/", views.download, name="download"),
]
