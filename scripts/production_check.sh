#!/usr/bin/env bash
# Handover in its production shape without Docker, as CI runs it after the PostgreSQL suite:
# PostgreSQL, Redis and an S3-compatible server (moto's, a dev dependency; docker-compose.yml has
# MinIO), then gunicorn (2 workers, DEBUG=0), one Celery worker and one beat. Each process has a
# var folder of its own, so nothing can pass between them through the local disk: uploads and
# confirmation PDFs go to the bucket, tasks and the verification page's uploads through Redis, and
# the signing key is the one folder they share, read-only, as a mounted secret would be.
#
# It migrates, seeds the demo data, waits for /readyz, waits for the worker to seal the demo's
# confirmations into the bucket, runs the end-to-end story (tests/e2e/test_handover_flow.py) and
# the inventory flow against gunicorn, checks that no process kept a file on its disk, and stops
# whatever it started, however it ends. Needs the venv (make install), Debian's /usr/bin/chromium,
# and PostgreSQL (trust auth for PG_SERVER's user) and Redis on 127.0.0.1; the database
# handover_prod_check and Redis database 14 are emptied first.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY=$VENV/bin/python
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
DB_NAME=handover_prod_check
REDIS_URL=redis://127.0.0.1:6379/14
RUN=$(mktemp -d /tmp/handover-production-check.XXXXXX)
started=$SECONDS

pids=()
stop_all() {
	local pid
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	# TERM lets gunicorn and Celery finish what they are doing; what is still up after 20 s is killed.
	for _ in $(seq 1 40); do
		local running=0
		for pid in "${pids[@]}"; do if kill -0 "$pid" 2>/dev/null; then running=1; fi; done
		((running)) || break
		sleep 0.5
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	stop_all
	if [[ $status -ne 0 ]]; then
		for log in "$RUN"/*.log; do
			printf '\n---- last lines of %s ----\n' "${log##*/}"
			tail -n 30 "$log"
		done
	fi
	rm -rf "$RUN"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() {
	printf '[%3ss] %s\n' "$((SECONDS - started))" "$*"
}
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Up to $2 seconds for a command to succeed.
wait_for() {
	local what=$1 seconds=$2
	shift 2
	for _ in $(seq 1 "$((seconds * 2))"); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.5
	done
	echo "error: $what did not come up within $seconds s" >&2
	return 1
}
# A background process of this run, with its var folder and log: start NAME COMMAND...
start() {
	local name=$1
	shift
	mkdir -p "$RUN/$name"
	HANDOVER_VAR_DIR=$RUN/$name "$@" >"$RUN/$name.log" 2>&1 </dev/null &
	pids+=("$!")
}
# A one-off command in a var folder of its own, as a deploy's one-shot job: admin COMMAND...
admin() {
	mkdir -p "$RUN/admin"
	HANDOVER_VAR_DIR=$RUN/admin "$@"
}

# Only what this script sets: a developer's shell may point elsewhere.
unset HANDOVER_VAR_DIR HANDOVER_DOCUMENT_DIR HANDOVER_UPLOAD_DIR MEDIA_ROOT CACHE_URL SENTRY_DSN \
	EMAIL_BACKEND HANDOVER_E2E_BASE_URL PORT
for name in $(compgen -e | grep '^HANDOVER_S3_' || true); do unset "$name"; done

pg_isready -q -d "$PG_SERVER/postgres" || {
	echo "error: no PostgreSQL at $PG_SERVER" >&2
	exit 1
}
[[ $(redis-cli -u "$REDIS_URL" ping 2>/dev/null) == PONG ]] || {
	echo "error: no Redis at $REDIS_URL" >&2
	exit 1
}

S3_PORT=$(free_port)
WEB_PORT=$(free_port)
BASE_URL=http://127.0.0.1:$WEB_PORT

step "S3-compatible server (moto) on port $S3_PORT"
start s3 "$VENV/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
wait_for "the S3 server" 30 curl -fsS "http://127.0.0.1:$S3_PORT/"

export DEBUG=0
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
HANDOVER_VAULT_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
HANDOVER_SIGNING_PASSPHRASE=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
export SECRET_KEY HANDOVER_VAULT_KEYS HANDOVER_SIGNING_PASSPHRASE
export HANDOVER_SIGNING_DIR=$RUN/signing
export DATABASE_URL=$PG_SERVER/$DB_NAME
export CELERY_BROKER_URL=$REDIS_URL
export ALLOWED_HOSTS=127.0.0.1,localhost
# Plain HTTP on the loopback; in production the TLS proxy is in front.
export SESSION_COOKIE_SECURE=false
export HANDOVER_BASE_URL=$BASE_URL
# Collected once, as the Docker image does at build time: part of the code, not state.
export STATIC_ROOT=$RUN/static
export HANDOVER_S3_BUCKET=handover-production-check
export HANDOVER_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export HANDOVER_S3_REGION=us-east-1
export HANDOVER_S3_ACCESS_KEY_ID=production-check
HANDOVER_S3_SECRET_ACCESS_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
export HANDOVER_S3_SECRET_ACCESS_KEY
export HANDOVER_S3_ADDRESSING_STYLE=path
export HANDOVER_S3_PREFIX=handover
export PLAYWRIGHT_BROWSERS_PATH=0

# `bucket create` makes the bucket; `bucket list documents` prints the keys under one storage's prefix.
bucket() {
	"$PY" - "$@" <<-'PY'
		import os, sys

		import boto3

		bucket = boto3.resource(
		    "s3",
		    endpoint_url=os.environ["HANDOVER_S3_ENDPOINT_URL"],
		    region_name=os.environ["HANDOVER_S3_REGION"],
		    aws_access_key_id=os.environ["HANDOVER_S3_ACCESS_KEY_ID"],
		    aws_secret_access_key=os.environ["HANDOVER_S3_SECRET_ACCESS_KEY"],
		).Bucket(os.environ["HANDOVER_S3_BUCKET"])
		if sys.argv[1] == "create":
		    bucket.create()
		else:
		    for entry in bucket.objects.filter(Prefix=f"{os.environ['HANDOVER_S3_PREFIX']}/{sys.argv[2]}/"):
		        print(entry.key)
	PY
}
bucket create

step "Database $DB_NAME and Redis database 14, emptied"
psql -q -d "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME"
redis-cli -u "$REDIS_URL" flushdb >/dev/null

step "One-shot jobs: migrate, collectstatic, signing key, demo data"
admin "$PY" manage.py migrate --noinput >"$RUN/migrate.log" 2>&1
admin "$PY" manage.py collectstatic --noinput >"$RUN/collectstatic.log" 2>&1
admin "$PY" manage.py signing_key init --if-missing >"$RUN/signing_key.log" 2>&1
admin "$PY" manage.py seed_demo >"$RUN/seed_demo.log" 2>&1

step "gunicorn (2 workers) on port $WEB_PORT, a Celery worker and one beat, each with its own var folder"
start web "$VENV/bin/gunicorn" config.wsgi:application -b "127.0.0.1:$WEB_PORT" --workers 2
start worker "$VENV/bin/celery" -A config worker --loglevel=info --concurrency=2
start beat "$VENV/bin/celery" -A config beat --loglevel=info
wait_for "/readyz" 60 curl -fsS "$BASE_URL/readyz"
echo "/readyz: $(curl -fsS "$BASE_URL/readyz")"

step "The worker seals the demo's confirmations into the bucket"
admin "$PY" manage.py shell --no-imports -c '
import time

from handover.documents.storage import document_storage
from handover.models import ConfirmationDocument
from handover.services.confirmations import missing_confirmations

deadline = time.monotonic() + 120
while missing_confirmations() and time.monotonic() < deadline:
    time.sleep(1)
assert not missing_confirmations(), f"still not produced: {missing_confirmations()}"
names = list(ConfirmationDocument.objects.values_list("file_name", flat=True))
assert all(document_storage().exists(name) for name in names), "a confirmation is not in the storage"
print(f"{len(names)} confirmations produced by the worker, in the storage")
'
sealed=$(bucket list documents | wc -l)
((sealed > 0)) || {
	echo "error: no confirmation PDF in the bucket" >&2
	exit 1
}

step "End-to-end story and inventory flow against gunicorn (tests/e2e/)"
mkdir -p "$RUN/tests"
HANDOVER_VAR_DIR=$RUN/tests HANDOVER_E2E_BASE_URL=$BASE_URL \
	"$PY" -m pytest -p no:randomly -q tests/e2e/test_handover_flow.py tests/e2e/test_inventory_flow.py

step "Nothing kept on a local disk"
kept=$(find "$RUN"/web "$RUN"/worker "$RUN"/beat -type f \
	\( -path '*/documents/*' -o -path '*/uploads/*' -o -path '*/media/*' \) -print)
if [[ -n $kept ]]; then
	printf 'error: files on a local disk instead of the bucket:\n%s\n' "$kept" >&2
	exit 1
fi
echo "confirmation PDFs in the bucket: $(bucket list documents | wc -l); local documents, uploads, media: none"

step "Production check passed"
