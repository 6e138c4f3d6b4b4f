"""How reintegration plugs into the registry's extension points (called once, from
``AppConfig.ready``)."""

from __future__ import annotations


def register() -> None:
    pass
