# One image for the web app and the worker.
#   web:    docker run -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... estatedesk
#   worker: docker run -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... estatedesk worker
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=estatedesk.settings.production \
    ESTATEDESK_VAR_DIR=/app/var PORT=8000

WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/production.txt
COPY site/ site/
COPY fixtures/ fixtures/
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

# collectstatic needs a key at build time only; the real one comes from the environment.
RUN cd site && SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
    && useradd --system --home /app estatedesk && mkdir -p /app/var && chown -R estatedesk /app/var

USER estatedesk
EXPOSE 8000
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["web"]
