"""The Celery application.

Tasks live in each app's ``tasks.py`` and are thin: they take ids and call a service.
They subclass Celery's Django task, so ``task.delay_on_commit(...)`` enqueues only once
the surrounding transaction has committed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")

app = Celery("spoke", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
