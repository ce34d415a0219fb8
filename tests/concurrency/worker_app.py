"""The production worker with one more periodic job, to watch jobs run across workers.

The tests start it as `flask --app tests.concurrency.worker_app worker`; `test.heartbeat`
records each of its runs (when it was due to run, and which process ran it).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from hub import create_app
from hub.domain import audit
from hub.domain.periodic import periodic
from hub.mail.delivery import process_name

HEARTBEAT = timedelta(seconds=1)


@periodic("test.heartbeat", every=HEARTBEAT)
def heartbeat(now: datetime) -> None:
    time.sleep(0.2)  # a run takes a moment, during which the other worker looks too
    audit.record(None, "test.heartbeat", None, at=now.isoformat(), holder=process_name())


app = create_app()
