"""What every command shares: configuration, database, Zoom client and services, each built once
and only when a command needs it."""

from __future__ import annotations

from functools import cached_property

import click

from zoomsvc.config import Config, ConfigError, load_config
from zoomsvc.intake import Intake
from zoomsvc.letters.service import LetterService
from zoomsvc.provisioning import Provisioner
from zoomsvc.services import Services
from zoomsvc.store import Database, SchemaMissing
from zoomsvc.store.migrate import require_schema
from zoomsvc.zoom import ZoomClient


class ConfigProblem(click.ClickException):
    """An unusable configuration: one line naming the key, exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return f"Konfigurasi tidak valid: {self.message}"


class Refused(click.ClickException):
    """A value out of its bounds or in conflict with stored data: one line naming it, exit code
    2, nothing changed."""

    exit_code = 2

    def format_message(self) -> str:
        return f"Ditolak: {self.message}"


class Failure(click.ClickException):
    """Zoom, storage or the schema failed: exit code 1 with what to do next."""

    exit_code = 1

    def format_message(self) -> str:
        return f"Gagal: {self.message}"


class AppContext:
    """Holds the ``--config`` path; loads configuration and builds services on first use."""

    def __init__(self, config_path: str | None, config: Config | None = None) -> None:
        self.config_path = config_path
        if config is not None:
            self.__dict__["config"] = config

    @cached_property
    def config(self) -> Config:
        """The validated configuration; a problem ends the command with exit code 2."""
        try:
            return load_config(self.config_path)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from exc

    @cached_property
    def services(self) -> Services:
        """The service objects of this configuration."""
        return Services(self.config)

    def close(self) -> None:
        """Close the database's pooled connections, if a database was opened: a command ends
        with its connections closed, not left for the garbage collector."""
        services = self.__dict__.get("services")
        if services is not None and "db" in services.__dict__:
            services.db.dispose()

    @property
    def raw_db(self) -> Database:
        """The database, schema not checked (for ``db upgrade``)."""
        return self.services.db

    @cached_property
    def db(self) -> Database:
        """The database with its schema checked: a clear message when it is missing."""
        try:
            require_schema(self.raw_db)
        except SchemaMissing as exc:
            raise Failure(str(exc)) from exc
        return self.raw_db

    @property
    def client(self) -> ZoomClient:
        """The Zoom client (the only HTTP to Zoom)."""
        return self.services.client

    @property
    def provisioner(self) -> Provisioner:
        """Provisioning (schema checked first)."""
        self.db  # noqa: B018 - checks the schema before any service touches it
        return self.services.provisioner

    @property
    def letters(self) -> LetterService:
        """The reply letters (schema checked first)."""
        self.db  # noqa: B018
        return self.services.letters

    @property
    def intake(self) -> Intake:
        """Provisioning followed by the draft letter (schema checked first)."""
        self.db  # noqa: B018
        return self.services.intake


pass_app = click.make_pass_decorator(AppContext)
