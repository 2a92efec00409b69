"""Admin URLs of the bridge, mounted at /admin/spreadsheets/ by wagtail_hooks.py."""

from django.urls import path

from spreadsheets import views

app_name = "spreadsheets"

urlpatterns = [
    path("<str:key>/template/", views.template_view, name="template"),
    path("<str:key>/export/", views.export_view, name="export"),
    path("<str:key>/import/", views.import_view, name="import"),
    path("exports/<int:pk>/", views.export_job_view, name="export_job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("jobs/<int:pk>/progress.json", views.job_progress_json, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/restart/", views.job_restart, name="job_restart"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/undo/", views.job_undo, name="job_undo"),
    path("jobs/<int:pk>/failed-rows.xlsx", views.failed_rows_view, name="failed_rows"),
]
