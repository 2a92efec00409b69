"""WAGTAILADMIN_BASE_URL is the site's public address: the default Wagtail Site follows it after
every ``migrate``, so that page URLs outside a request (the API's ``html_url``, links in emails)
are right instead of ``http://localhost/``."""

from urllib.parse import urlparse

from django.conf import settings


def configure_default_site(**kwargs) -> None:
    from wagtail.models import Site

    address = urlparse(settings.WAGTAILADMIN_BASE_URL)
    if not address.hostname:
        return
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (address.hostname, port):
        site.hostname, site.port = address.hostname, port
        site.save(update_fields=["hostname", "port"])
    # Wagtail shows a site without a name by its host name ("localhost"): give it the product's name.
    if site is not None and not site.site_name:
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save(update_fields=["site_name"])
