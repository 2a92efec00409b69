"""Admin URLs of the bulletin's event reports, mounted under /admin/bulletin/ by wagtail_hooks."""

from django.urls import path

from bulletin import admin_views

urlpatterns = [
    path("events/", admin_views.event_list, name="bulletin_admin_events"),
    path("events/<int:pk>/", admin_views.event_report, name="bulletin_admin_event_report"),
    path("events/<int:pk>/export.<str:fmt>", admin_views.event_export, name="bulletin_admin_event_export"),
    path("events/<int:pk>/visits/<int:signup_pk>/", admin_views.record_visit, name="bulletin_admin_record_visit"),
]
