from bulletin import page_chooser as page_chooser_urls
from django.conf import settings
from django.urls import include, path
from estates import reports as estate_reports
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from estatedesk.health import healthz

# Each app may expose public (non-admin) URLs in <app>/urls.py; admin URLs are registered by
# the app's wagtail_hooks. Apps without public URLs simply have no urls module.
app_urlpatterns = []
for app in settings.PROJECT_APPS:
    try:
        module = __import__(f"{app}.urls", fromlist=["urlpatterns"])
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.urls":
            raise
        continue
    app_urlpatterns.append(path("", include(module)))

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Wagtail's page chooser views that skip its chooser hook, narrowed to the user's estates.
    path("admin/", include(page_chooser_urls)),
    # Wagtail's reports that are not per estate: site history scoped, page types usage superuser-only.
    path("admin/reports/", include(estate_reports)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    *app_urlpatterns,
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree (the bulletin) catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
