"""What a locked-out staff login sees (django-axes calls this instead of its English page)."""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "estatedesk/login_locked.html", {"cooloff_minutes": minutes}, status=429)
