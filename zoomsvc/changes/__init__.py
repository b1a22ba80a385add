"""Changes to a request after it was provisioned: corrected data, a new time, a cancellation.

They sit above letters and provisioning because each change moves both: the Zoom meeting through
the provisioning layer and the Surat Tanggapan through the letter service.
"""

from zoomsvc.changes.amend import EDITABLE, Changes
from zoomsvc.changes.cancelling import Cancellations

__all__ = ["EDITABLE", "Cancellations", "Changes"]
