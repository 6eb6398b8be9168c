"""Target kinds as data: one row per kind of target, each fact the code branches on declared once.

``--target`` names a kind (``reference``, ``reference-http``, ``moto``, ``moto-server``, ``aws``) or is an
http(s):// URL (the ``url`` row: a server the user runs). ``Settings.kind`` is the row of a run's target; code asks
the row (``settings.kind.in_process``) instead of comparing the target's name (tests/test_kinds.py holds that).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # the --target value; "url" is the row of every http(s):// URL
    reference: bool  # the bundled reference emulator: faults, quirks, delays and latency apply; it sets the account
    moto: bool  # moto: not thread-safe (parallel calls are not tried); a reproducer serves python -m moto.server
    in_process: bool  # answers inside this process, no socket (a thread would only add switching)
    served_by_run: bool  # a server the run starts once for every xdist worker and stops at its end
    outlives_run: bool  # keeps what a run leaves: cleanup looks for untracked creates, leftovers are warned about
    sweepable: bool  # `sweep` may look there for what earlier runs left
    http: bool  # any HTTP client reaches it (the schemathesis phase); in-process moto patches botocore instead
    probed: bool  # `run` opens and probes it once before pytest starts (one line when it is unusable)
    aws: bool  # the real service: the credential chain, botocore's endpoint, STS's account, AWS retries and timing
    billable: bool  # creates cost money: billable guard and plan, --allow-billable, no commitments, no schemathesis


_ = False
KINDS: tuple[Kind, ...] = (
    # name             reference moto  in_process served outlives sweepable http  probed aws   billable
    Kind("reference",      True,  _,    True,      _,     _,       _,        True, True,  _,    _),  # in-process
    Kind("reference-http", True,  _,    _,         True,  _,       _,        True, True,  _,    _),  # run serves it
    Kind("moto",           _,     True, True,      _,     _,       _,        _,    _,     _,    _),  # mock_aws
    Kind("moto-server",    _,     True, _,         True,  _,       True,     True, _,     _,    _),  # moto.server
    Kind("aws",            _,     _,    _,         _,     True,    True,     True, True,  True, True),  # real AWS
    Kind("url",            _,     _,    _,         _,     True,    True,     True, True,  _,    _),  # user's server
)
BY_NAME = {kind.name: kind for kind in KINDS}
URL = BY_NAME["url"]
#: What --target accepts besides a URL.
NAMED_TARGETS = tuple(kind.name for kind in KINDS if kind is not URL)


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def of(target: str) -> Kind | None:
    """The row of a --target value (a URL: the url row); None for an unknown target."""
    if is_url(target):
        return URL
    return BY_NAME.get(target) if target != URL.name else None
