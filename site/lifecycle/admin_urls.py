"""Admin URLs of lifecycle (registered under /admin/lifecycle/ by wagtail_hooks)."""

from django.urls import path

from lifecycle import views

urlpatterns = [
    path("moveins/new/", views.movein_new_view, name="lifecycle_movein_new"),
    path("moveins/<int:pk>/", views.movein_view, name="lifecycle_movein"),
    path("moveins/<int:pk>/<slug:action>/", views.movein_action_view, name="lifecycle_movein_action"),
    path("moveins/report/", views.report_view, name="lifecycle_movein_report"),
    path("decorations/new/", views.decoration_new_view, name="lifecycle_decoration_new"),
    path("decorations/<int:pk>/", views.decoration_view, name="lifecycle_decoration"),
    path("decorations/<int:pk>/permit/", views.permit_view, name="lifecycle_decoration_permit"),
    path("decorations/<int:pk>/<slug:action>/", views.decoration_action_view, name="lifecycle_decoration_action"),
    path("violations/<int:pk>/<slug:action>/", views.violation_action_view, name="lifecycle_violation_action"),
    path("photos/<int:pk>/", views.photo_view, name="lifecycle_photo"),
    path("releases/new/", views.release_new_view, name="lifecycle_release_new"),
    path("releases/<int:pk>/", views.release_view, name="lifecycle_release"),
    path("releases/<int:pk>/slip/", views.slip_view, name="lifecycle_release_slip"),
    path("releases/<int:pk>/<slug:action>/", views.release_action_view, name="lifecycle_release_action"),
    path("gate/", views.gate_view, name="lifecycle_gate"),
]
