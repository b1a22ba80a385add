"""Storage: the only place that speaks SQL (models, engine, migrations, repositories)."""

from zoomsvc.store.db import Database, DriverMissing, SchemaMissing

__all__ = ["Database", "DriverMissing", "SchemaMissing"]
