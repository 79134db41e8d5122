"""How a worker ends when it must not go on: at once, with a code that says why.

`fatal_exit` ends the process at once, like SIGKILL: at-least-once holds by
construction (nothing after the last commit is acknowledged to the group), and no
shutdown path can hang on a broker that is gone.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

# sysexits(3): EX_SOFTWARE for an output the worker could not deliver or an agent
# that raised; EX_TEMPFAIL for a cluster that went away (try again later).
EXIT_DELIVERY_FAILED = 70
EXIT_BROKER_LOST = 75


def fatal_exit(code: int, message: str, cleanup: Callable[[], None] | None = None) -> None:
    """Log `message`, run `cleanup`, end the process now (no commit, no hanging shutdown)."""
    log.critical(message)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    if cleanup is not None:
        try:
            cleanup()
        except Exception:  # the exit must happen whatever the clean-up does
            log.exception("clean-up before exit failed")
    os._exit(code)
