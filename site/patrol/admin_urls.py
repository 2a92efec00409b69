"""Admin URLs of patrol (registered under /admin/patrol/ by wagtail_hooks)."""

from django.urls import path

from patrol import views

urlpatterns = [
    path("checkpoints/<int:pk>/label/", views.label_view, name="patrol_label"),
    path("c/<uuid:token>/", views.scan_view, name="patrol_scan"),
    path("today/", views.today_view, name="patrol_today"),
    path("rounds/<int:pk>/", views.round_view, name="patrol_round"),
    path("rounds/<int:pk>/checkpoints/<int:checkpoint>/", views.visit_view, name="patrol_visit"),
    path("hazards/<int:pk>/", views.hazard_view, name="patrol_hazard"),
    path("hazards/<int:pk>/<slug:action>/", views.hazard_action_view, name="patrol_hazard_action"),
    path("photos/<int:pk>/", views.photo_view, name="patrol_photo"),
    path("report/", views.report_view, name="patrol_report"),
]
