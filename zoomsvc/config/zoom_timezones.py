"""The time zone IDs Zoom accepts in a meeting's ``timezone`` field.

Zoom keeps its own list (API reference, "Abbreviation lists: timezones"); it is a subset of the IANA
database. It holds ``Asia/Jakarta`` (WIB) but neither ``Asia/Makassar`` (WITA) nor
``Asia/Jayapura`` (WIT), so an agency in WITA sends a GMT+8 zone such as ``Asia/Singapore`` and
always gives ``start_time`` in UTC with ``Z``.

Plain data next to the configuration, so that checking ``zoom.timezone`` does not load the Zoom
client (and ``requests``); the client and the sandbox read the list from here too.
"""

from __future__ import annotations

ZOOM_TIMEZONES: frozenset[str] = frozenset(
    """
    Pacific/Midway Pacific/Pago_Pago Pacific/Honolulu America/Anchorage America/Juneau
    America/Vancouver America/Los_Angeles America/Tijuana America/Phoenix America/Edmonton
    America/Denver America/Mazatlan America/Regina America/Guatemala America/El_Salvador
    America/Managua America/Costa_Rica America/Tegucigalpa America/Chihuahua America/Winnipeg
    America/Chicago America/Mexico_City America/Panama America/Bogota America/Lima
    America/Monterrey America/Montreal America/New_York America/Indianapolis America/Puerto_Rico
    America/Caracas America/Santiago America/Halifax America/Montevideo America/Araguaina
    America/Argentina/Buenos_Aires America/Godthab America/Sao_Paulo Canada/Atlantic
    America/St_Johns America/Noronha Atlantic/Cape_Verde Atlantic/Azores UTC Etc/Greenwich
    Europe/Belgrade CET Atlantic/Reykjavik Europe/Dublin Europe/London Europe/Lisbon
    Africa/Casablanca Africa/Nouakchott Europe/Oslo Europe/Copenhagen Europe/Brussels
    Europe/Berlin Europe/Helsinki Europe/Amsterdam Europe/Rome Europe/Stockholm Europe/Vienna
    Europe/Luxembourg Europe/Paris Europe/Zurich Europe/Madrid Africa/Bangui Africa/Algiers
    Africa/Tunis Africa/Harare Africa/Nairobi Europe/Warsaw Europe/Prague Europe/Budapest
    Europe/Sofia Europe/Istanbul Europe/Athens Europe/Bucharest Asia/Nicosia Asia/Beirut
    Asia/Damascus Asia/Jerusalem Asia/Amman Africa/Tripoli Africa/Cairo Africa/Johannesburg
    Europe/Moscow Asia/Baghdad Asia/Kuwait Asia/Riyadh Asia/Bahrain Asia/Qatar Asia/Aden
    Asia/Tehran Africa/Khartoum Africa/Djibouti Africa/Mogadishu Asia/Dubai Asia/Muscat
    Asia/Baku Asia/Kabul Asia/Yekaterinburg Asia/Tashkent Asia/Calcutta Asia/Kathmandu
    Asia/Novosibirsk Asia/Almaty Asia/Dacca Asia/Krasnoyarsk Asia/Dhaka Asia/Bangkok
    Asia/Saigon Asia/Jakarta Asia/Irkutsk Asia/Shanghai Asia/Hong_Kong Asia/Taipei
    Asia/Kuala_Lumpur Asia/Singapore Australia/Perth Asia/Yakutsk Asia/Seoul Asia/Tokyo
    Australia/Darwin Australia/Adelaide Asia/Vladivostok Pacific/Port_Moresby
    Australia/Brisbane Australia/Sydney Australia/Hobart Asia/Magadan SST Pacific/Noumea
    Asia/Kamchatka Pacific/Fiji Pacific/Auckland Asia/Kolkata Europe/Kiev America/Tegucigalpa
    Pacific/Apia
    """.split()
)


def is_zoom_timezone(name: str) -> bool:
    """Whether Zoom accepts ``name`` as a meeting time zone."""
    return name in ZOOM_TIMEZONES
