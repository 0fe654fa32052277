# Production image for Handover: gunicorn by default; the same image runs the
# Celery worker and beat with another command (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# PYTHONPATH: the source tree under /app, not the copy pip puts in
# site-packages, is what runs, so settings find templates/, static/ and
# locale/ beside it. The image defaults to production (DEBUG off).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DEBUG=0 \
    STATIC_ROOT=/app/staticfiles \
    HANDOVER_VAR_DIR=/data/var \
    MEDIA_ROOT=/data/media \
    HANDOVER_DOCUMENT_DIR=/data/documents

# harfbuzz-subset makes CJK PDFs ~10x faster; Noto CJK has the Chinese glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk fonts-dejavu-core fonts-liberation libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 handover \
    && useradd --system --uid 1000 --gid handover --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin handover \
    && mkdir -p /data/media /data/documents /data/var \
    && chown -R handover:handover /data

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install . && rm -rf build ./*.egg-info

# Build-time only: a throwaway key and var dir, so nothing the settings create
# at import ends up root-owned under /data.
RUN export SECRET_KEY=build-only-not-a-secret-just-for-collectstatic HANDOVER_VAULT_KEYS=build-only-never-used HANDOVER_SIGNING_PASSPHRASE=build-only-never-used HANDOVER_VAR_DIR=/tmp/build-var CELERY_BROKER_URL=memory:// \
    && if [ -d locale ]; then python manage.py compilemessages; fi \
    && python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var

USER handover
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
