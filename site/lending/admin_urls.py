"""Admin URLs of the lending views, mounted under /admin/lending/ by wagtail_hooks."""

from django.urls import path

from lending import views

urlpatterns = [
    path("board/", views.board_view, name="board"),
    path("loan/<int:pk>/", views.loan_view, name="loan"),
    path("loan/<int:pk>/<str:action>/", views.loan_view, name="loan_action"),
    path("<str:kind>/<int:pk>/", views.item_view, name="item"),
    path("<str:kind>/<int:pk>/request/", views.request_view, name="request"),
]
