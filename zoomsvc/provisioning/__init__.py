"""Provisioning: approved request → calendar check → Zoom meeting → stored (SOP steps 4–6)."""

from zoomsvc.provisioning.outcome import MeetingInfo, ProvisioningFailed, ProvisionResult
from zoomsvc.provisioning.service import Provisioner

__all__ = ["MeetingInfo", "ProvisionResult", "Provisioner", "ProvisioningFailed"]
