"""Admin URLs of surveys (registered under /admin/surveys/ by wagtail_hooks)."""

from django.urls import path

from surveys import views

urlpatterns = [
    path("<int:pk>/results/", views.survey_results_view, name="surveys_results"),
    path("<int:pk>/invite/", views.survey_invite_view, name="surveys_invite"),
    path("<int:pk>/enter/", views.survey_enter_view, name="surveys_enter"),
    path("answers/<int:pk>/<slug:action>/", views.answer_followup_view, name="surveys_answer_followup"),
    path("visits/", views.visits_view, name="surveys_visits"),
    path("visits/progress/", views.visits_progress_view, name="surveys_visits_progress"),
    path("visits/<int:pk>/", views.visit_record_view, name="surveys_visit"),
    path("scorecard/", views.scorecard_view, name="surveys_scorecard"),
    path("cases/", views.cases_view, name="surveys_cases"),
    path("cases/review/<int:ticket_pk>/", views.case_review_view, name="surveys_case_review"),
]
