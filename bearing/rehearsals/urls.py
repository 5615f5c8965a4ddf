from django.urls import path

from . import views

app_name = "rehearsals"

urlpatterns = [
    path("engagements/<uuid:code>/talks/", views.home, name="home"),
    path("talks/<uuid:code>/", views.talk, name="talk"),
    path("talks/<uuid:code>/paste/", views.paste, name="paste"),
    path("talks/<uuid:code>/upload/", views.upload, name="upload"),
    path("talks/<uuid:code>/share/", views.share, name="share"),
    path("talks/<uuid:code>/bring/", views.bring, name="bring"),
    path("talks/<uuid:code>/delete/", views.talk_delete, name="talk_delete"),
    path("talks/<uuid:code>/questions/", views.questions_start, name="questions_start"),
    path("questions/<uuid:code>/", views.questions, name="questions"),
    path("rehearsals/<uuid:code>/", views.rehearsal, name="rehearsal"),
    path("rehearsals/<uuid:code>/audio/", views.audio, name="audio"),
    path("rehearsals/<uuid:code>/audio/discard/", views.audio_discard, name="audio_discard"),
    path("rehearsals/<uuid:code>/audio/share/", views.audio_share, name="audio_share"),
    path("rehearsals/<uuid:code>/retry/", views.retry, name="retry"),
    path("rehearsals/<uuid:code>/delete/", views.delete, name="delete"),
]
