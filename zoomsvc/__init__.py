"""zoomsvc: lends the city's Zoom licences to its agencies (OPD), from request to letter."""

__version__ = "0.1.0"
