"""Admin URLs of the service desk (registered under /admin/servicedesk/ by wagtail_hooks)."""

from django.urls import path

from servicedesk import views

urlpatterns = [
    path("board/", views.board_view, name="servicedesk_board"),
    path("intake/", views.intake_view, name="servicedesk_intake"),
    path("tickets/<int:pk>/", views.ticket_view, name="servicedesk_ticket"),
    path("tickets/<int:pk>/photo/", views.ticket_photo_view, name="servicedesk_ticket_photo"),
    path("tickets/<int:pk>/photos/<int:photo>/", views.ticket_photos_view, name="servicedesk_ticket_photos"),
    path("tickets/<int:pk>/<slug:action>/", views.ticket_action_view, name="servicedesk_ticket_action"),
    path("handover/", views.handover_view, name="servicedesk_handover"),
    path("kpi/", views.kpi_view, name="servicedesk_kpi"),
]
