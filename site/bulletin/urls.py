from django.urls import path

from bulletin import views
from bulletin.api import api_router

urlpatterns = [
    path("api/v2/", api_router.urls),
    path("bulletin/search/", views.search, name="bulletin_search"),
    path("bulletin/feeds/<slug:code>/", views.feed, name="bulletin_feed"),
    path("bulletin/events/<int:page_id>/signup/", views.signup, name="bulletin_signup"),
    path("bulletin/events/<int:page_id>/feedback/", views.feedback, name="bulletin_feedback"),
    path("bulletin/language/<str:language>/", views.set_language, name="bulletin_set_language"),
]
