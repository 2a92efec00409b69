# One image for the web app and the worker; compose.yaml runs them with PostgreSQL and Redis.
#   web:    docker run -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... estatedesk
#   worker: docker run -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... estatedesk worker
# Static files are collected into /app/static, inside the image: the data volume is mounted on
# /app/var (uploads, and SQLite when no DATABASE_URL) and must not hide them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=estatedesk.settings.production \
    ESTATEDESK_VAR_DIR=/app/var STATIC_ROOT=/app/static PORT=8000

WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/production.txt
COPY site/ site/
COPY fixtures/ fixtures/
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

# collectstatic needs a key at build time only; the real one comes from the environment.
RUN cd site && SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
    && test -f /app/static/staticfiles.json \
    && useradd --system --home /app estatedesk && mkdir -p /app/var/media /app/var/private && chown -R estatedesk /app/var

USER estatedesk
EXPOSE 8000
VOLUME ["/app/var"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)" || exit 1
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["web"]
