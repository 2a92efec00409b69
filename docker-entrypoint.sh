#!/bin/sh
# "web" (default): migrate, then serve with gunicorn. "worker": run the Huey consumer.
set -e
cd /app/site
case "${1:-web}" in
  web)
    python manage.py migrate --no-input
    exec gunicorn estatedesk.wsgi:application --bind "0.0.0.0:${PORT}" \
      --workers "${WEB_CONCURRENCY:-3}" --access-logfile -
    ;;
  worker)
    exec python manage.py run_huey
    ;;
  *)
    exec "$@"
    ;;
esac
