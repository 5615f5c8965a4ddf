from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("engagements/<uuid:code>/", views.engagement, name="engagement"),
    path("engagements/<uuid:code>/acknowledge/", views.acknowledge, name="acknowledge"),
]
