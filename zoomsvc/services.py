"""The service objects of one configuration, built once and on first use: database, Zoom client,
provisioning, letters. The command line and the web application both start from here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from zoomsvc.changes import Cancellations, Changes
from zoomsvc.clock import utc_now
from zoomsvc.config import Config
from zoomsvc.intake import Intake
from zoomsvc.letters.service import LetterService
from zoomsvc.lifecycle.attention import AttentionService
from zoomsvc.lifecycle.refusals import RefusalCounter
from zoomsvc.provisioning import Provisioner
from zoomsvc.store import Database
from zoomsvc.zoom import ZoomClient


class Services:
    """Everything a request to the service needs, for one configuration."""

    def __init__(self, config: Config, clock: Callable[[], datetime] = utc_now) -> None:
        self.config = config
        self.clock = clock

    @cached_property
    def db(self) -> Database:
        """The database (schema not checked here: see
        :func:`zoomsvc.store.migrate.require_schema`)."""
        return Database(self.config.database.url, audit_key=self.config.audit.key)

    @cached_property
    def client(self) -> ZoomClient:
        """The Zoom client (the only HTTP to Zoom)."""
        return ZoomClient(self.config.zoom)

    @cached_property
    def provisioner(self) -> Provisioner:
        """Provisioning of requests (SOP steps 4–6)."""
        return Provisioner(self.config, self.db, self.client, clock=self.clock)

    @cached_property
    def letters(self) -> LetterService:
        """The reply letters (SOP steps 7–10)."""
        return LetterService(self.config, self.db, self.clock)

    @cached_property
    def intake(self) -> Intake:
        """Provisioning followed by the draft letter."""
        return Intake(self.provisioner, self.letters)

    @cached_property
    def changes(self) -> Changes:
        """New times and corrected data of provisioned requests."""
        return Changes(self.provisioner, self.letters, self.clock)

    @cached_property
    def cancellations(self) -> Cancellations:
        """Cancellations, and the agencies' requests to change or cancel."""
        return Cancellations(self.config, self.db, self.client, self.clock)

    @cached_property
    def attention(self) -> AttentionService:
        """Closing the attention flags staff have looked at."""
        return AttentionService(self.db, self.clock)

    @cached_property
    def webhook_refusals(self) -> RefusalCounter:
        """Calls to Zoom's webhook refused before the database (unsigned, forged, replayed)."""
        return RefusalCounter()
