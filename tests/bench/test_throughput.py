"""The throughput bench compares like with like: its bare SimPy network carries the model's flow."""

from __future__ import annotations

import math

import pytest

from tests.bench.conftest import Kept, load_bench


@pytest.fixture(scope="module")
def bench():
    return load_bench("throughput")


def test_every_class_routes_with_probabilities(bench):
    network = bench.network_of(bench.stretched(3000), lives=4000)
    assert len(network.flows) == 15  # three requesting States, five measures each (no preservation)
    for flow in network.flows:
        for row in flow.routing:
            assert all(p >= 0 for p in row) and sum(row) <= 1 + 1e-12
        assert network.nodes[flow.entry] == "intake"


def test_bare_simpy_sees_the_models_visits_and_queues(bench, monkeypatch):
    """Same flow, same queues. The busiest queue (intake, 3 staff at about 92% load) has a long
    memory: one run's time average swings by half from seed to seed, so the queues are compared on
    the average of three seeds (the visits, which do not swing, on each)."""
    size = 15_000
    network = bench.network_of(bench.stretched(size), lives=6000)
    waiting = {"model": [], "bare": []}
    for seed in (1, 2, 3):
        monkeypatch.setattr(bench, "SEED", seed)
        model, bare = Kept(), Kept()
        bench.model_run(size, network, model)
        bench.bare_run(size, network, bare)
        model, bare = model.measured, bare.measured
        assert math.isclose(model.arrivals, bare.arrivals, rel_tol=0.05)
        for stage in network.staffed:
            assert math.isclose(model.visits[stage], bare.visits[stage], rel_tol=0.03), stage
        waiting["model"].append(model.waiting["intake"])
        waiting["bare"].append(bare.waiting["intake"])
    model_mean, bare_mean = (sum(w) / len(w) for w in (waiting["model"], waiting["bare"]))
    # the busiest queue is long in both, and about as long
    assert math.isclose(model_mean, bare_mean, rel_tol=0.35)
    assert model_mean > 2.0


def test_tuned_ciw_gives_exactly_stock_ciws_results(bench):
    """The heap of end dates changes how Ciw finds the next event, not which event it is."""
    size = 2500
    network = bench.network_of(bench.stretched(size), lives=3000)
    stock, tuned = Kept(), Kept()
    bench.ciw_run(size, network, stock)
    bench.ciw_run(size, network, tuned, tuned=True)
    stock, tuned = stock.measured, tuned.measured
    assert stock.arrivals == tuned.arrivals > 2000
    assert stock.waiting == tuned.waiting and stock.visits == tuned.visits
    assert any(value > 0 for value in stock.waiting.values())
