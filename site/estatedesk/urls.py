import re

from bulletin import page_chooser as page_chooser_urls
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from estates import reports as estate_reports
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from estatedesk import wagtail_fixes
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
    # Wagtail's external-link chooser, with a 4xx-safe form (estatedesk.wagtail_fixes).
    path("admin/choose-external-link/", wagtail_fixes.external_link_chooser),
    # Wagtail's page chooser views that skip its chooser hook, narrowed to the user's estates.
    path("admin/", include(page_chooser_urls)),
    # Wagtail's reports that are not per estate: site history scoped, page types usage superuser-only.
    path("admin/reports/", include(estate_reports)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    *app_urlpatterns,
]

# Public bulletin images (Wagtail's originals and renditions) from MEDIA_ROOT, in development as
# in production (WhiteNoise serves only collected static files). Behind a proxy, let the proxy
# serve /media/images/ and /media/original_images/ and set SERVE_MEDIA=0. Wagtail documents go
# through its /documents/ view; private files are outside MEDIA_ROOT (estatedesk.storage).
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>(?:images|original_images)/.+)$",
            serve, {"document_root": settings.MEDIA_ROOT},
        ),
    ]

# Wagtail's page tree (the bulletin) catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
