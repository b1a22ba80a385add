"""Configuration: TOML file → validated frozen dataclasses, read once at start."""

from zoomsvc.config.load import ConfigError, build_config, demo_document, load_config
from zoomsvc.config.model import (
    AgencySettings,
    CalendarSettings,
    Config,
    Host,
    MeetingSettings,
    PasscodePolicy,
    RateLimits,
    ZoomSettings,
)

__all__ = [
    "AgencySettings",
    "CalendarSettings",
    "Config",
    "ConfigError",
    "Host",
    "MeetingSettings",
    "PasscodePolicy",
    "RateLimits",
    "ZoomSettings",
    "build_config",
    "demo_document",
    "load_config",
]
