"""Settings of the Celery worker in tests/faults/test_digest_worker_killed.py: the project's own settings,
with the mail server of tests/faults/mail.py and a broker that gives a dead worker's tasks back quickly."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS

EMAIL_BACKEND = "tests.faults.mail.SlowServerBackend"
EMAIL_FILE_PATH = os.environ["FAULTS_EMAIL_DIR"]

# Redis hands a task a dead worker never acknowledged to another worker once this long has passed since
# its delivery (an hour in production, longer than any task runs); seconds here, so the test is quick.
# Still well above how long a digest task takes, so a live worker's tasks are not handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
