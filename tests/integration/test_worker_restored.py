"""After the worker tests, the Celery app is as the settings made it: eager, no broker."""

import pytest
from django.conf import settings

from lms.celery import app

pytestmark = pytest.mark.integration


def test_the_app_runs_tasks_in_process_again():
    """pytest-django runs this after the database tests, so after the worker has stopped."""
    assert app.conf.task_always_eager is settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.result_backend == settings.CELERY_RESULT_BACKEND
    assert app.conf.task_default_queue == "celery"
    assert app.amqp.default_queue.name == "celery"
