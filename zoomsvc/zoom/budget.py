"""How long one call to Zoom may keep a worker waiting: the budget the leases are cut from.

A worker holding a lease (a provisioning intent, the lifecycle jobs' lock) may sit in one Zoom
call for as long as the transport lets it: every attempt may wait for its connection (with the
adapter's own connection retries) and then for its read timeout, and between attempts it backs
off for at most ``BACKOFF_CAP_S`` (a longer ``Retry-After`` is not waited for). A lease shorter
than that would let a second worker take over from one that is merely slow, and both would act.
"""

from __future__ import annotations

from datetime import timedelta

from zoomsvc.config.model import ZoomSettings
from zoomsvc.zoom.transport import ADAPTER_CONNECT_RETRIES, BACKOFF_CAP_S

# The declared budget of one call. With the default settings (connect 5 s, read 20 s, 4 retries)
# the worst case is 5 × (3 × 5 s + 20 s) + 4 × 20 s = 255 s (:func:`worst_case_call`), so five
# minutes holds it with room; a test keeps the two in step.
ZOOM_CALL_BUDGET = timedelta(minutes=5)


def worst_case_call(settings: ZoomSettings) -> timedelta:
    """The longest one logical call (a request, or a token fetch) can take under ``settings``."""
    attempts = settings.max_retries + 1
    one_attempt = (settings.connect_timeout * (ADAPTER_CONNECT_RETRIES + 1)
                   + settings.read_timeout)
    return timedelta(seconds=attempts * one_attempt + settings.max_retries * BACKOFF_CAP_S)


def budget_warning(settings: ZoomSettings) -> str | None:
    """A warning for ``check-config`` when these settings let one call outlast the budget the
    leases are cut from (a second worker could then take over from a slow one), else None."""
    worst = worst_case_call(settings).total_seconds()
    budget = ZOOM_CALL_BUDGET.total_seconds()
    if worst <= budget:
        return None
    return (f"Peringatan: dengan zoom.connect_timeout, zoom.read_timeout dan zoom.max_retries "
            f"ini satu panggilan Zoom dapat berlangsung hingga {worst:.0f} detik, lebih lama "
            f"dari anggaran {budget:.0f} detik yang menjadi dasar masa sewa pemesanan slot; "
            f"kurangi batas waktu atau jumlah percobaan ulang.")
