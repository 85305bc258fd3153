"""`python -m todo_api`: validate the configuration, then serve on 0.0.0.0:$PORT."""

from __future__ import annotations

import sys

import uvicorn

from .config import settings_or_exit
from .logs import logging_config


def main() -> int:
    settings = settings_or_exit()
    from .main import create_app

    uvicorn.run(
        create_app(settings),
        host="0.0.0.0",  # noqa: S104 - in a container, the pod IP is the only way in
        port=settings.PORT,
        log_config=logging_config(settings.LOG_LEVEL),
        # X-Forwarded-For/-Proto only from the configured proxies; from anyone else they are ignored.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        # SIGTERM: stop accepting, let in-flight requests (the longest, a chat, is bounded by
        # CHAT_DEADLINE_SECONDS) finish for this long, then cancel what is left and exit.
        timeout_graceful_shutdown=settings.GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=settings.KEEP_ALIVE_SECONDS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
