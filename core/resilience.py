"""Small building blocks for talking to a service that may be down: a circuit breaker and
a log line that is written once per outage, not once per call.

Used by the fail-soft cache (``core.cache``) and the fail-soft task queue
(``core.queue``); nothing here knows about Redis or Celery.
"""

import logging
import threading
import time


class CircuitBreaker:
    """Remembers that a service failed, so callers skip it for ``cooldown`` seconds.

    Closed (the normal state): every call goes to the service. After a failure
    (``record_failure``) it opens: ``allow()`` says no until the cooldown has passed, so a
    request does not pay the service's time-out on every call. Then one caller at a time is
    let through to try again (half-open); its success closes the breaker, its failure opens
    it for another cooldown. Thread-safe; one per process and service.
    """

    def __init__(self, *, cooldown: float, clock=time.monotonic) -> None:
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failed = False
        self._trial = False

    @property
    def failed(self) -> bool:
        """Whether the last word from the service was a failure."""
        return self._failed

    def allow(self) -> bool:
        """Whether a call should go to the service now."""
        if not self._failed:
            return True
        with self._lock:
            if self._trial or self._clock() < self._open_until:
                return False
            self._trial = True  # this caller tries; the others keep skipping until it ends
            return True

    def record_success(self) -> bool:
        """Close the breaker; returns whether it was open (the service came back)."""
        if not self._failed:
            return False
        with self._lock:
            was_failed, self._failed, self._trial = self._failed, False, False
        return was_failed

    def record_failure(self) -> bool:
        """Open the breaker; returns whether it was closed (an outage starts)."""
        with self._lock:
            was_failed = self._failed
            self._failed, self._trial = True, False
            self._open_until = self._clock() + self.cooldown
        return not was_failed


class OutageLog:
    """Logs a failing service once per ``interval`` seconds, saying how many failures the
    quiet period swallowed, and once when it comes back."""

    def __init__(
        self, logger: logging.Logger, *, what: str, interval: float = 60.0, clock=time.monotonic
    ) -> None:
        self.logger = logger
        self.what = what
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last = None
        self._suppressed = 0

    def failure(self, exc: BaseException, *, consequence: str) -> None:
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self.interval:
                self._suppressed += 1
                return
            suppressed, self._suppressed, self._last = self._suppressed, 0, now
        more = f" ({suppressed} more failures since the last report)" if suppressed else ""
        self.logger.warning(
            "%s unavailable (%s: %s); %s%s",
            self.what,
            type(exc).__name__,
            exc,
            consequence,
            more,
        )

    def reset(self) -> None:
        """Forget the outage without a log line (for tests)."""
        with self._lock:
            self._suppressed, self._last = 0, None

    def recovered(self) -> None:
        with self._lock:
            suppressed, self._suppressed, self._last = self._suppressed, 0, None
        more = f" ({suppressed} failures not reported)" if suppressed else ""
        self.logger.warning("%s is available again%s", self.what, more)
