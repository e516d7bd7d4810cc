"""Files in a storage that nothing points at any more, and their deletion.

Apps keep uploads in a storage (learners' screenshots and report exports in the
``private`` one) and a row that names each file. When a row lets go of a file (replaced,
removed, the row deleted) the file is deleted after the transaction commits; what slips
through (a crash between the two, a row deleted by a cascade) is found by
:func:`storage_orphans_delete`, which a periodic task runs over each app's folder.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import PurePosixPath

logger = logging.getLogger(__name__)

_BATCH = 500


def storage_file_delete(*, storage, name: str) -> bool:
    """Delete ``name`` from ``storage``; False when it was not there (or could not be)."""
    try:
        if not storage.exists(name):
            return False
        storage.delete(name)
    except OSError:
        logger.warning("could not delete %s from %s", name, type(storage).__name__, exc_info=True)
        return False
    return True


def _files(storage, folder: str) -> Iterator[str]:
    """Every file under ``folder`` (and its sub-folders), as storage names."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file_name in files:
        yield str(PurePosixPath(folder) / file_name)
    for sub in folders:
        yield from _files(storage, str(PurePosixPath(folder) / sub))


def _batches(names: Iterable[str]) -> Iterator[list[str]]:
    names = iter(names)
    while batch := list(islice(names, _BATCH)):
        yield batch


def storage_orphans_delete(
    *,
    storage,
    folder: str,
    referenced: Callable[[list[str]], Iterable[str]],
    older_than: datetime,
) -> int:
    """Delete the files under ``folder`` that no row names and that were last written
    before ``older_than`` (a file younger than that may belong to a row being saved).

    ``referenced(names)`` returns those of ``names`` that some row still points at; it is
    called once per batch of a few hundred names. Returns how many files were deleted.
    """
    deleted = 0
    for batch in _batches(_files(storage, folder)):
        kept = set(referenced(batch))
        for name in batch:
            if name in kept:
                continue
            try:
                if storage.get_modified_time(name) >= older_than:
                    continue
            except (OSError, NotImplementedError):
                continue
            if storage_file_delete(storage=storage, name=name):
                deleted += 1
    if deleted:
        logger.info("deleted %s unreferenced files under %s", deleted, folder)
    return deleted
