"""bedrock_emulator: the reference emulator of the Bedrock Provisioned Model Throughput API.

It is the executable specification the conformance suite is checked against: it reads every constraint from
the botocore service model itself and never imports `conformance`, `schemas` or `strategies`.
"""

from .config import CustomModel, EmulatorConfig
from .core import Emulator
from .faults import FAULTS
from .quirks import ALL_QUIRKS, QUIRKS

__all__ = ["ALL_QUIRKS", "FAULTS", "QUIRKS", "CustomModel", "Emulator", "EmulatorConfig"]
