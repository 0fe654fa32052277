"""The project's settings, with the benchmark's URLs (the project's and one bare view)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
