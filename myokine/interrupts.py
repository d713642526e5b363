"""Signals: SIGTERM raised as an exception, like Ctrl-C, so that cleanup code runs; and both
held back during steps that must not be cut in half (moving outputs in, starting workers)."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Terminated(BaseException):
    """SIGTERM arrived (a BaseException, like KeyboardInterrupt: ``except Exception`` lets it by)."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises ``Terminated`` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def signals_held() -> Iterator[None]:
    """Delay SIGINT and SIGTERM until the block has ended.

    Blocking them in this thread is not enough: another thread (a progress bar's, a pool's) can
    still receive them, and Python then runs the handler in the main thread. So, in the main
    thread, the handlers also only record a signal, which is raised again after the block."""
    pending: list[int] = []

    def record(number, frame) -> None:
        pending.append(number)

    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        handlers = {number: signal.signal(number, record) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for number in dict.fromkeys(pending):
            signal.raise_signal(number)
