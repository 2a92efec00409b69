"""What the public pages need to reach the desk: every estate's hotline."""

from django import template
from estates.models import Estate

register = template.Library()


@register.simple_tag
def desk_hotlines():
    """Estates that published a hotline, by code (one short query; the public pages are few)."""
    return list(Estate.objects.exclude(hotline="").order_by("code").only("name", "code", "hotline"))
