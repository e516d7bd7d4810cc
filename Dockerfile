# Spoke's image: the web app (gunicorn), the Celery worker and beat all run from it.
# See docker-compose.yml for how they are put together.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=lms.settings.production \
    DJANGO_STATIC_ROOT=/app/var/static \
    DJANGO_MEDIA_ROOT=/app/var/media \
    SPOKE_PRIVATE_MEDIA_ROOT=/app/var/private

WORKDIR /app

# The code belongs to root and is read-only for the app; only var/ (media, private files,
# the beat schedule) is the app user's.
RUN groupadd --system spoke \
    && useradd --system --gid spoke --home-dir /app --no-create-home --shell /usr/sbin/nologin spoke

# Dependencies first, from the lock alone, so that a code change reuses this layer. The lock
# pins every package with its hashes: the image runs what CI tested (`make lock` refreshes it).
COPY requirements/base.lock ./requirements/base.lock
RUN pip install --require-hashes --requirement requirements/base.lock

COPY . .

# Static files are collected into the image (hashed names, compressed) so that it serves
# them on its own. The secret, host and address are placeholders that exist only for this step.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    SPOKE_BASE_URL=http://localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/private /app/var/keys \
    && chown -R spoke:spoke /app/var \
    && chmod 0700 /app/var/private /app/var/keys

USER spoke

EXPOSE 8000

CMD ["gunicorn", "lms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
