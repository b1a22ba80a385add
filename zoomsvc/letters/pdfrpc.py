"""Talking to a unoserver over XML-RPC: convert a document, and ask whether it is there.

Plain ``xmlrpc.client`` with a socket timeout: unoserver's own client has no timeout and waits
40 s for a server that is gone, while a dead converter must be noticed at once.
"""

from __future__ import annotations

import http.client
import xmlrpc.client

from zoomsvc.letters.pdf import PdfTimeout, PdfUnavailable, ServerUnavailable

API_VERSION = "3"  # unoserver's XML-RPC interface this client speaks
# Connection-level failures: the server is not (or no longer) there.
LOST = (ConnectionError, http.client.HTTPException, xmlrpc.client.ProtocolError)


class _TimedTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout (the standard transport has none)."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__()
        self._timeout = timeout_seconds

    def make_connection(self, host: tuple[str, dict[str, str]] | str) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _proxy(address: str, timeout_seconds: float) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(f"http://{address}", allow_none=True,
                                     transport=_TimedTransport(timeout_seconds))


def rpc_convert(address: str, docx: bytes, timeout_seconds: float) -> bytes:
    """The PDF of ``docx`` from the unoserver at ``address`` (``host:port``).

    Raises PdfTimeout past the limit, ServerUnavailable when the server does not answer, and
    PdfUnavailable when LibreOffice answered with an error.
    """
    try:
        with _proxy(address, timeout_seconds) as proxy:
            result = proxy.convert(None, xmlrpc.client.Binary(docx), None, "pdf", None, [],
                                   True, None, None)
    except TimeoutError as exc:
        raise PdfTimeout(timeout_seconds) from exc
    except xmlrpc.client.Fault as exc:
        detail = str(exc.faultString).strip().splitlines()[-1:] or ["-"]
        raise PdfUnavailable(f"LibreOffice gagal mengonversi surat: {detail[0]}") from exc
    except (*LOST, OSError) as exc:
        raise ServerUnavailable(f"konverter PDF di {address} tidak menjawab ({exc})") from exc
    if not isinstance(result, xmlrpc.client.Binary) or not result.data.startswith(b"%PDF"):
        raise PdfUnavailable("LibreOffice gagal mengonversi surat: hasilnya bukan PDF")
    return result.data


def answers(address: str) -> bool:
    """Whether a unoserver of the expected interface answers at ``address``."""
    try:
        with _proxy(address, 5) as proxy:
            info = proxy.info()
    except (*LOST, OSError, xmlrpc.client.Fault):
        return False
    return isinstance(info, dict) and info.get("api") == API_VERSION
