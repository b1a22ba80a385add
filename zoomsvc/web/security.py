"""Security defaults: CSRF on every form, strict response headers, error pages."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

csrf = CSRFProtect()

# No inline script or style anywhere, so the policy can forbid both.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
ERROR_TEXT = {
    400: "Permintaan tidak dapat diproses.",
    403: "Anda tidak berwenang membuka halaman ini.",
    404: "Halaman atau data tidak ditemukan.",
    405: "Cara akses ini tidak diizinkan.",
    413: "Berkas terlalu besar.",
    429: "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.",
    500: "Terjadi kesalahan pada server. Data Anda tidak hilang; silakan coba lagi.",
}


def install(app: Flask) -> None:
    """Turn on CSRF protection, security headers and Indonesian error pages."""
    csrf.init_app(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", code=400,
                               message="Formulir kedaluwarsa atau tidak sah (CSRF). Muat ulang "
                                       "halaman lalu kirim lagi."), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template("error.html", code=code,
                               message=ERROR_TEXT.get(code, error.description or "")), code


def exempt_from_csrf(app: Flask, blueprint: Blueprint) -> None:
    """Leave CSRF off for a blueprint that authenticates every call itself (bearer token,
    webhook signature) and keeps no cookie session."""
    csrf.exempt(blueprint)
