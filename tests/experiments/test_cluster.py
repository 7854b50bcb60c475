"""The Dask backend: a scheduler that cannot be reached, or Dask missing, is a one-line user error;
a LocalCluster gives the numbers a single process gives."""

from __future__ import annotations

import builtins
import sys

import pytest

from simulator.experiments.executors import BackendError, Serial, backend
from simulator.experiments.run import replicate_batch
from simulator.files.loader import load_scenario
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


def test_an_unreachable_scheduler_is_a_user_error(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr("simulator.experiments.cluster.CONNECT_TIMEOUT", "1s")
    with pytest.raises(BackendError, match="cannot connect"):
        backend(1, "tcp://127.0.0.1:9")


def test_without_dask_the_scheduler_option_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("dask"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    for name in [m for m in sys.modules if m.startswith(("dask", "distributed"))]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(BackendError, match=r"pip install 'mlasim\[dask\]'"):
        backend(2, "local")


def test_a_local_cluster_gives_what_one_process_gives():
    pytest.importorskip("dask.distributed")
    scenario = load_scenario(SMALL)
    tasks = [(None, scenario, 3, (r,)) for r in range(3)]
    serial = dict(Serial().map(replicate_batch, tasks))
    with backend(2, "local") as cluster:
        assert cluster.name == "dask LocalCluster, 2 workers"
        clustered = dict(cluster.map(replicate_batch, tasks))
    assert repr(sorted(clustered.items())) == repr(sorted(serial.items()))  # repr: NaN == NaN
