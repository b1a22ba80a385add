"""Security defaults: CSRF on every form, strict response headers, error pages, and a guard
that refuses control characters and lone surrogates before any view (or database) sees them."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from zoomsvc.input_bounds import MULTILINE_CONTROLS, character_problem, field_label
from zoomsvc.web.query import InputRefused

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


SESSION_ENDED_ELSEWHERE = "Sesi Anda berakhir; muat ulang halaman lalu kirim lagi."

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_bad_characters() -> None:
    """Refuse a path, query parameter or form field holding NUL or another control character
    (form values may hold tab and line breaks) or a lone surrogate: PostgreSQL cannot store
    NUL, and none of these belongs in any field."""
    problem = character_problem(request.path)
    if problem:
        raise InputRefused("(alamat)", f"Alamat halaman {problem}.")
    for key, value in request.args.items(multi=True):
        problem = character_problem(key) or character_problem(value)
        if problem:
            raise InputRefused(field_label(key), f"Parameter '{field_label(key)}' {problem}.")
    if request.mimetype not in FORM_TYPES:
        return
    for key, value in request.form.items(multi=True):
        problem = character_problem(key) or character_problem(value, MULTILINE_CONTROLS)
        if problem:
            raise InputRefused(field_label(key), f"Isian '{field_label(key)}' {problem}.")
    for key, upload in request.files.items(multi=True):
        problem = character_problem(key) or character_problem(upload.filename or "")
        if problem:
            raise InputRefused(field_label(key), f"Nama berkas '{field_label(key)}' {problem}.")


# The request form is read up to this many times its file limit, so that a file somewhat over
# the limit is refused on its field with everything typed kept, not by a bare error page.
FORM_BODY_FACTOR = 3
BODY_CAP_ENDPOINTS = frozenset({"pages.new_request"})


def widen_body_cap() -> None:
    """Let the request form's body reach :data:`FORM_BODY_FACTOR` times the file limit."""
    if request.endpoint in BODY_CAP_ENDPOINTS:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        request.max_content_length = limit * FORM_BODY_FACTOR if limit else None


def install(app: Flask) -> None:
    """Turn on the character guard, CSRF protection, security headers and Indonesian error
    pages."""
    # Before CSRF: the guard must see the form before anything else reads it.
    app.before_request(widen_body_cap)
    app.before_request(refuse_bad_characters)
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
        return render_template("error.html", code=400, message=SESSION_ENDED_ELSEWHERE), 400

    @app.errorhandler(InputRefused)
    def input_refused(error: InputRefused) -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            return jsonify({"error": {"field": error.field, "message": error.message}}), 400
        return render_template("error.html", code=400, message=error.message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template("error.html", code=code,
                               message=ERROR_TEXT.get(code, error.description or "")), code


def exempt_from_csrf(app: Flask, blueprint: Blueprint) -> None:
    """Leave CSRF off for a blueprint that authenticates every call itself (bearer token,
    webhook signature) and keeps no cookie session."""
    csrf.exempt(blueprint)
