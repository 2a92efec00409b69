"""Public pages of surveys (included before Wagtail's page tree)."""

from django.urls import path

from surveys.views.public import answer_view

urlpatterns = [
    path("survey/<str:token>/", answer_view, name="surveys_answer"),
]
