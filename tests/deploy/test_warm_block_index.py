"""A web worker builds the block index of duplicate proposals as it starts (``deploy/gunicorn.conf.py``)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from zhusan.matching import candidates

from ..factories import make_person

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def _hook():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.post_worker_init


@pytest.mark.django_db(transaction=True)  # the build reads in a thread of its own, on its own connection
def test_a_starting_worker_builds_the_index_in_the_background(alice, monkeypatch):
    make_person(alice, given="Aysha", family="Nurlanova")
    index = candidates.BlockIndex()
    monkeypatch.setattr(candidates, "_INDEX", index)
    worker = SimpleNamespace(log=logging.getLogger("test.gunicorn"))
    thread = _hook()(worker)
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert index._seen is not None and index.size()[1] > 0


def test_the_warm_build_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("ZHUSAN_WARM_BLOCK_INDEX", "false")
    assert _hook()(SimpleNamespace(log=logging.getLogger("test.gunicorn"))) is None
