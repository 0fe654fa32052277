#!/usr/bin/env bash
# Embedded mode: a real Celery worker with embedded beat (so reminders really
# fire) next to the Django dev server with autoreload. Whatever ends this
# script (Ctrl-C, TERM, the server failing), the worker is stopped with it.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
# Exported: the server and the worker both derive HANDOVER_BASE_URL (links in mails, QR codes) from it.
export PORT=${PORT:-8000}
if [[ ! $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
	echo "error: PORT must be a TCP port number (1-65535), not '$PORT'" >&2
	exit 2
fi
ADDR=127.0.0.1:$PORT

worker_pid="" watcher_pid="" server_pid=""

stop() {
	local pid=$1 sig=$2
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill "-$sig" "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
}
cleanup() {
	trap - EXIT INT TERM
	stop "$watcher_pid" TERM
	# TERM is Celery's warm shutdown: a task already running finishes first.
	stop "$worker_pid" TERM
	# The autoreloader runs the server as its child. A background job of a script ignores SIGINT
	# for good, so both get TERM, the child first (alone, the parent would leave it serving).
	if [[ -n $server_pid ]]; then pkill -TERM -P "$server_pid" 2>/dev/null || true; fi
	stop "$server_pid" TERM
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# The server keeps the terminal as stdin, so breakpoint() in a view works.
exec 3<&0

"$VENV/bin/celery" -A config worker -B --pool=solo --loglevel=info </dev/null &
worker_pid=$!

# Without the worker nothing fails visibly, reminders just stop: say so.
(
	while kill -0 "$worker_pid" 2>/dev/null; do sleep 2; done
	echo "WARNING: the Celery worker has exited (see its output above); reminders and PDFs will not run." >&2
) &
watcher_pid=$!

# Runs in the background so the traps fire at once; cleanup stops it (Ctrl-C reaches this
# script, whose INT trap runs cleanup).
(
	exec "$VENV/bin/python" manage.py runserver "$ADDR" <&3
) &
server_pid=$!

echo
echo "Handover: http://$ADDR/  (Ctrl-C stops the web server and the worker)"
echo
wait "$server_pid"
