"""Public URLs of lifecycle: the move-in pack link sent to the owner (opened by its secret)."""

from django.urls import path

from lifecycle import views

urlpatterns = [
    path("lifecycle/movein/<uuid:token>/", views.movein_pack_view, name="lifecycle_movein_pack"),
]
