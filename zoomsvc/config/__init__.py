"""Configuration: TOML file → validated frozen dataclasses, read once at start."""

from zoomsvc.config.fields import ConfigError
from zoomsvc.config.load import build_config, demo_document, load_config
from zoomsvc.config.model import (
    AgencySettings,
    AuditSettings,
    CalendarSettings,
    Config,
    DatabaseSettings,
    Host,
    LetterSettings,
    MeetingSettings,
    Opd,
    PasscodePolicy,
    RateLimits,
    Signer,
    SmtpSettings,
    ZoomSettings,
)

__all__ = [
    "AgencySettings",
    "AuditSettings",
    "CalendarSettings",
    "Config",
    "ConfigError",
    "DatabaseSettings",
    "Host",
    "LetterSettings",
    "MeetingSettings",
    "Opd",
    "PasscodePolicy",
    "RateLimits",
    "Signer",
    "SmtpSettings",
    "ZoomSettings",
    "build_config",
    "demo_document",
    "load_config",
]
