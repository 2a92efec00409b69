"""Public pages of the service desk (included before Wagtail's page tree)."""

from django.urls import path

from servicedesk import views

urlpatterns = [
    path("service/report/", views.public_report_view, name="servicedesk_public_report"),
    path("service/report/thanks/", views.public_thanks_view, name="servicedesk_public_thanks"),
    path("service/status/", views.public_status_view, name="servicedesk_public_status"),
]
