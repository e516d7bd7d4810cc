"""The Celery application.

Tasks live in each app's ``tasks.py`` and are thin: they take ids and call a service.
They subclass Celery's Django task, so ``task.delay_on_commit(...)`` enqueues only once
the surrounding transaction has committed, through ``core.queue.FailSoftTask``, which
keeps a message in the database when the broker cannot take it (see that module).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")

app = Celery("spoke", task_cls="core.queue:FailSoftTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
