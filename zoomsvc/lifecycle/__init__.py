"""After provisioning: cleanup of expired meetings, reconcile with Zoom, Zoom's webhooks.

The jobs run from the operating system's scheduler (``zoomsvc cleanup``, ``zoomsvc reconcile``),
one at a time across hosts (:mod:`.lock`); the webhook handler (:mod:`.webhooks`) is mounted by
the web application (:mod:`zoomsvc.web.webhook`). Staff see what needs them through
:func:`zoomsvc.store.lifecycle_records.open_attention`.
"""

from zoomsvc.lifecycle.cleanup import Cleaner, CleanupSummary
from zoomsvc.lifecycle.drift import PoolFacts
from zoomsvc.lifecycle.lock import JobLock, LockBusy, LockLost
from zoomsvc.lifecycle.reconcile import Reconciler, ReconcileSummary
from zoomsvc.lifecycle.webhooks import handle_webhook

__all__ = [
    "Cleaner",
    "CleanupSummary",
    "JobLock",
    "LockBusy",
    "LockLost",
    "PoolFacts",
    "ReconcileSummary",
    "Reconciler",
    "handle_webhook",
]
