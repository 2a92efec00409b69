from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    """The product's name on every admin title (WAGTAIL_SITE_NAME), never a host name."""
    return settings.WAGTAIL_SITE_NAME
