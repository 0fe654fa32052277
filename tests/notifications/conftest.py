import threading

import pytest

from tests.notifications.chat_platforms import Platforms


@pytest.fixture
def no_proxy(monkeypatch):
    """The platforms are on this machine; a developer's proxy settings must not carry requests away."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def platforms(settings, no_proxy):
    """The platforms' server, the only host besides the official ones the chat channel may post to."""
    server = Platforms()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.HANDOVER_CHAT_EXTRA_HOSTS = [f"127.0.0.1:{server.server_port}"]
    yield server
    server.shutdown()
    server.server_close()
