"""gunicorn reads this file from the folder it starts in (the project root; /app in the image).

Its own lines (the master starting, booting and stopping workers, errors, the access log when
``--access-logfile`` turns it on) take the application's format: one JSON object per line in
production (LOG_FORMAT, see config/settings.py), plain lines in embedded mode."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings

if settings.LOG_FORMAT == "json":
    # Merged into gunicorn's own configuration: its handlers keep their streams, with JSON lines.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "config.log.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            # At the application's LOG_LEVEL, as every other logger.
            "gunicorn.error": {
                "handlers": ["error_console"],
                "level": settings.LOGGING["root"]["level"],
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
