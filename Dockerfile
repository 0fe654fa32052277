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

# The Debian packages of scripts/system_packages.sh's "runtime" list (make run and make test
# install the same): gettext, Pango and HarfBuzz for the PDF, Noto CJK for the Chinese glyphs.
COPY scripts/system_packages.sh /tmp/system_packages.sh
RUN bash /tmp/system_packages.sh runtime \
    && rm -rf /var/lib/apt/lists/* /tmp/system_packages.sh

# /data/signing is there, owned by the app, so that a volume mounted on it starts out so too:
# `signing_key init` writes the key into it (docker-compose.yml's signing-key volume).
RUN groupadd --system --gid 1000 handover \
    && useradd --system --uid 1000 --gid handover --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin handover \
    && mkdir -p /data/media /data/documents /data/signing /data/var \
    && chown -R handover:handover /data

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them: exactly
# the versions and files pinned in requirements-prod.lock (`make lock` writes it), the build
# backend included, so the project itself installs without fetching anything.
COPY requirements-prod.lock ./
RUN pip install --require-hashes -r requirements-prod.lock

COPY . .
RUN pip install --no-deps --no-build-isolation . && rm -rf build ./*.egg-info

# Build-time only: a throwaway key and var dir, so nothing the settings create
# at import ends up root-owned under /data.
RUN export SECRET_KEY=build-only-not-a-secret-just-for-collectstatic HANDOVER_VAULT_KEYS=build-only-never-used HANDOVER_SIGNING_PASSPHRASE=build-only-never-used HANDOVER_VAR_DIR=/tmp/build-var CELERY_BROKER_URL=memory:// \
    && if [ -d locale ]; then python manage.py compilemessages; fi \
    && python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var

USER handover
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
