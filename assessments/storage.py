"""Where screenshots live: the ``private`` storage (``STORAGES["private"]``), a folder
outside the public media, served only through a view that checks who is asking."""

from django.core.files.storage import FileSystemStorage, storages


class PrivateStorage(FileSystemStorage):
    """Files with no public URL."""

    def url(self, name):
        raise ValueError("Private files have no public URL: serve them through a view.")


def private_storage():
    """The storage for learners' evidence (a callable, so tests may swap it)."""
    return storages["private"]
