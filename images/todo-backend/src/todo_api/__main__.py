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
        proxy_headers=True,
        forwarded_allow_ips="*",
        timeout_graceful_shutdown=20,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
