"""Send again the Celery messages kept in the database while the broker was unavailable."""

from django.core.management.base import BaseCommand

from core.models import DeferredTask
from core.services import deferred_tasks_requeue


class Command(BaseCommand):
    help = "Send the tasks kept while Redis was unavailable to the broker again."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many at once")

    def handle(self, *args, limit: int, **options):
        sent = deferred_tasks_requeue(limit=limit)
        left = DeferredTask.objects.count()
        self.stdout.write(f"{sent} sent, {left} still kept")
        if left and not sent:
            self.stderr.write("The broker is still unavailable, or the tasks are unknown.")
