"""Settings of the worker processes tests start (``worker_process``, tests/conftest.py).

The project's own, with short leases and redeliveries so that a test that kills a
worker sees its work taken over within seconds, and with what the test chose in
``WorkerProcess.settings`` (its media folder, smaller batches…), given as JSON in one
variable: the project reads no environment variable for such figures.
"""

import json
import os

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS, MEDIA_ROOT, STORAGES

OUTBOX_LEASE_MARGIN_SECONDS = 1
if "visibility_timeout" in CELERY_BROKER_TRANSPORT_OPTIONS:  # Redis
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": 5}

globals().update(json.loads(os.environ["JOBLETTERS_TEST_SETTINGS"]))
if "location" in STORAGES["default"]["OPTIONS"]:  # private files in a folder, not on S3
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT
