"""What every command shares: the configuration, loaded once and only when a command needs it."""

from __future__ import annotations

from functools import cached_property

import click

from zoomsvc.config import Config, ConfigError, load_config


class ConfigProblem(click.ClickException):
    """An unusable configuration: one line naming the key, exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return f"Konfigurasi tidak valid: {self.message}"


class AppContext:
    """Holds the ``--config`` path and loads the configuration on first use."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path

    @cached_property
    def config(self) -> Config:
        """The validated configuration; a problem ends the command with exit code 2."""
        try:
            return load_config(self.config_path)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from exc


pass_app = click.make_pass_decorator(AppContext)
