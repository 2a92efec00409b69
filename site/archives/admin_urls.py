"""Admin URLs of the archives, mounted under /admin/archives/ by wagtail_hooks."""

from django.urls import path

from archives import views
from archives.admin.workbench import workbench_view

urlpatterns = [
    path("history/<str:model_name>/<int:pk>/", views.RecordHistoryView.as_view(), name="archives_history"),
    path(
        "history/<str:model_name>/<int:pk>/restore/<int:history_id>/",
        views.RestoreVersionView.as_view(), name="archives_history_restore",
    ),
    path("deleted/", views.DeletedRecordsView.as_view(), name="archives_deleted"),
    path("document/<int:pk>/file/", views.document_file, name="archives_document_file"),
    path(
        "deleted/<str:model_name>/<int:pk>/restore/",
        views.RestoreDeletedView.as_view(), name="archives_deleted_restore",
    ),
    # The steward's own households (管家): arrears steps, return visits, tickets, expiring permits.
    path("my-households/", workbench_view, name="archives_workbench"),
]
