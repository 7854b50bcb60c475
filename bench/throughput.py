"""Throughput and peak memory of one replication: mlasim vs bare SimPy vs Ciw (stock, tuned), same flow.

For each size N (default 10^4, 10^5, 10^6 requests) the reference scenario's horizon is stretched so
that about N requests arrive at the scenario's own rates (the queues stay as loaded as in the
reference run), with no follow-up and no warm-up, and one replication runs with tracing off.

The two comparators carry **the same flow** as the model, as an open queueing network:

- the same nodes: the staffed screening stages with the scenario's staff and service-time
  distributions (an unstaffed stage is an infinite-server delay), plus one delay node per requesting
  State for the requester preparing its answer (its ``response_days``) and one for postponements;
- the same customer classes: one per (requesting State, measure; preservation left out, see
  :func:`stretched`), arriving as a Poisson process at
  the State's yearly rate times the measure's share, entering at the first stage of the measure's
  route;
- the same routing: after each node, a request goes to the next stage, back to its requester (a
  query or a consultation), to a postponement, back to intake (an answer) or leaves (granted,
  refused, withdrawn) with the probabilities the model's own decision core produces. They are
  counted from a pilot of 20,000 lives per scenario, each driven instantly through
  :func:`simulator.world.lifecycle.settle` (every node visit and where it led), per class.

A Markov routing with those probabilities makes every node see the same mean number of visits per
request as the model, so with the same arrivals, staff and service times the queues are as long:
the bench prints the mean number waiting at each staffed stage (total waiting time / run length)
and the visits per request for all three, to show it. (Not modelled by the comparators: the load
effect, which only acts past 30 waiting and does not occur in this scenario.)

Ciw with its stock nodes spends its time scanning: an infinite-server node (execution, the
requesters) looks at every customer it holds at every event of the network
(``Node.update_next_end_service_without_server``), and this network holds about 900 requests in
those delays at any moment, so stock Ciw runs only up to ``--ciw-max`` (default 10^5) requests.
*Ciw tuned* is the same library with one node class passed through Ciw's ``node_class``
(:func:`heap_node_class`, about 20 lines): the end dates of an infinite-server node in a heap. It
gives the very same results (the same events in the same order, checked by
``tests/bench/test_throughput.py``) at a fraction of the cost, so the comparison with Ciw is made
with both: stock nodes are what a Ciw user gets, the tuned node what a Ciw user could write.

*Bare SimPy* is what a modeller would write: one process per request, a :class:`simpy.Resource`
per staffed stage, :mod:`random` for draws, no request attributes, no observations, no rules, no
statistics beyond the waits. *Ciw* (a queueing-network library, bench-only extra:
``pip install -e '.[bench]'``) runs the same network; its exit node is replaced by one that sums the
waits and drops the finished customer, so its memory does not grow with the size either.

Each measurement runs in a fresh process. Speeds are requests per second of CPU time of that process
(``time.process_time``: the runs are single-threaded, and CPU time does not depend on what else the
shared machine is doing); "peak memory" is the process's peak resident set size minus the peak after
imports and set-up (``VmHWM``, Linux).

    python bench/throughput.py                  # 10^4, 10^5, 10^6 (about 15 minutes)
    python bench/throughput.py --sizes 1e4 1e5  # quicker
    python bench/throughput.py --no-ciw         # without the Ciw columns
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import itertools
import math
import multiprocessing
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import attrs
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "scenarios" / "un-convention-baseline.toml"
PILOT_LIVES = 20_000
SEED = 1
WIDTH = 13  # a column of the printed table


def _rss_mib() -> float:
    """This process's peak resident set size (VmHWM: unlike ``ru_maxrss``, not inherited at exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stretched(size: int):
    """The reference scenario, its horizon stretched so that about ``size`` requests arrive."""
    from simulator.files.document import load_scenario
    from simulator.world.requesters import disclosed_measures

    scenario = load_scenario(REFERENCE)
    # no preservation requests: each is followed by a disclosure request (a new arrival, Art 42),
    # which a Markov routing cannot carry; the other measures keep their relative shares
    states = tuple(
        attrs.evolve(s, measures=disclosed_measures(s.measures)) for s in scenario.requesting_states
    )
    per_year = sum(s.requests_per_year for s in states)
    return attrs.evolve(
        scenario,
        requesting_states=states,
        horizon_days=365.0 * size / per_year,
        follow_up_days=0.0,
        warmup_days=0.0,
    )


# --- the network the comparators run ------------------------------------------------------------
@dataclass(frozen=True)
class Flow:
    """One customer class: requests of one requesting State for one measure."""

    name: str
    per_day: float
    entry: int  # node index
    routing: tuple[tuple[float, ...], ...]  # [node][next node], the remainder leaves


@dataclass(frozen=True)
class Network:
    """The scenario's network as a queueing network: nodes, their servers and service, flows, the staffed
    stages."""

    nodes: tuple[str, ...]
    staff: tuple[int, ...]  # 0: infinite servers (a delay)
    service: tuple  # mlasim Distribution per node
    flows: tuple[Flow, ...]
    staffed: tuple[str, ...]  # the stages whose queues are compared


def network_of(scenario, lives: int = PILOT_LIVES) -> Network:
    """The scenario as an open queueing network, its routing counted from instant lives (settle)."""
    from simulator.domain.model import Stage
    from simulator.world.authority import review_contexts
    from simulator.world.lifecycle import Review, Wait, life, settle
    from simulator.world.requesters import SLOTS_PER_REQUEST, draw_request, round_draws

    requested = scenario.requested_state
    stages = [s for s in Stage if s in requested.stages]
    states = scenario.requesting_states
    nodes = [s.value for s in stages] + [f"requester:{s.id}" for s in states] + ["postponement"]
    index = {name: i for i, name in enumerate(nodes)}
    staff = [requested.stages[s].staff for s in stages] + [0] * (len(states) + 1)
    service = [requested.stages[s].service for s in stages]
    service += [s.response_days for s in states] + [requested.postponement_days]
    contexts = review_contexts(scenario)
    total_rate = sum(s.requests_per_year for s in states)
    rng = np.random.default_rng(SEED)
    flows = []
    for state in states:
        moves: dict[str, Counter] = {}
        count = round(lives * state.requests_per_year / total_rate)
        for number, uniforms in enumerate(rng.random((count, SLOTS_PER_REQUEST))):
            request = draw_request(state, number, 0.0, uniforms)
            steps = life(
                request, state, requested, contexts[state.id], lambda r, u=uniforms: round_draws(u, r)
            )
            _, commands = settle(steps)
            path = []
            for command in commands:
                if isinstance(command, Review):
                    path.append(command.stage.value)
                elif isinstance(command, Wait):
                    path.append(f"requester:{state.id}" if command.reason == "response" else "postponement")
            counts = moves.setdefault(request.submission.measure.value, Counter())
            for here, there in itertools.pairwise([*path, "exit"]):
                counts[here, there] += 1
        for measure, share in state.measures.shares().items():
            counts = moves.get(measure, Counter())
            matrix = []
            for here in nodes:
                out = sum(n for (a, _), n in counts.items() if a == here)
                matrix.append(tuple(counts[here, there] / out if out else 0.0 for there in nodes))
            first = requested.routes[measure][0].value
            per_day = state.requests_per_year * share / 365.0
            flows.append(Flow(f"{state.id}/{measure}", per_day, index[first], tuple(matrix)))
    staffed = tuple(n for n, c in zip(nodes, staff, strict=True) if c and not n.startswith("req"))
    return Network(tuple(nodes), tuple(staff), tuple(service), tuple(flows), staffed)


# --- the three runs -----------------------------------------------------------------------------
@dataclass
class Measured:
    """One measured run: arrivals, CPU seconds, memory, and per staffed stage the mean waiting and the
    visits."""

    arrivals: int
    seconds: float
    mib: float
    waiting: dict[str, float]  # mean number waiting per staffed stage
    visits: dict[str, float]  # visits per request per staffed stage

    @classmethod
    def summed(
        cls, network: Network, horizon: float, run: tuple[int, float, float], waited: list, visits: list
    ) -> Measured:
        """A run (its arrivals, CPU seconds and MiB) measured from per-node sums: ``waited`` the time
        requests spent waiting there, ``visits`` the visits made; only staffed stages are kept."""
        arrivals = run[0]
        staffed = [i for i, name in enumerate(network.nodes) if name in network.staffed]
        return cls(
            *run,
            {network.nodes[i]: waited[i] / horizon for i in staffed},
            {network.nodes[i]: visits[i] / arrivals for i in staffed},
        )


def model_run(size: int, network: Network, queue) -> None:
    """Run mlasim's own simulation of the network and put what was measured on ``queue``."""
    import scipy.special  # noqa: F401  (the model loads it on its first draw: set-up, not run memory)

    from simulator.world.pipeline import simulate

    scenario = stretched(size)
    before = _rss_mib()
    start = time.process_time()
    tally = simulate(scenario, seed=SEED, replication=0)
    elapsed = time.process_time() - start
    memory = _rss_mib() - before
    waits = {stage.value: tally.waits[stage] for stage in tally.waits}
    end = scenario.end_day
    queue.put(
        Measured(
            tally.arrivals,
            elapsed,
            memory,
            {s: waits[s][0] / end for s in network.staffed},
            {s: waits[s][1] / tally.arrivals for s in network.staffed},
        )
    )


def _sampler(distribution, rnd: random.Random):
    """A draw from an mlasim distribution with :mod:`random`, as a bare SimPy model would make it."""
    from simulator.world import distributions as d

    match distribution:
        case d.Exponential(mean=mean):
            return lambda: rnd.expovariate(1.0 / mean)
        case d.Lognormal():
            mu, sigma = distribution._mu, distribution._sigma
            return lambda: rnd.lognormvariate(mu, sigma)
        case d.Triangular(low=low, mode=mode, high=high):
            return lambda: rnd.triangular(low, high, mode)
        case d.Uniform(low=low, high=high):
            return lambda: rnd.uniform(low, high)
        case d.Fixed(value=value):
            return lambda: value
    raise ValueError(f"no sampler for {distribution}")


def bare_run(size: int, network: Network, queue) -> None:
    """Run the same network written directly in SimPy and put what was measured on ``queue``."""
    import simpy

    scenario = stretched(size)
    horizon = scenario.horizon_days
    env = simpy.Environment()
    rnd = random.Random(SEED)
    servers = [simpy.Resource(env, c) if c else None for c in network.staff]
    draws = [_sampler(d, rnd) for d in network.service]
    exits = len(network.nodes)
    waited = [0.0] * exits
    visits = [0] * exits
    count = [0]

    def request(flow: Flow, cumulative: list[list[float]]):
        node = flow.entry
        while node != exits:
            server = servers[node]
            if server is None:
                yield env.timeout(draws[node]())
            else:
                with server.request() as slot:
                    arrived = env.now
                    yield slot
                    waited[node] += env.now - arrived
                    visits[node] += 1
                    yield env.timeout(draws[node]())
            node = bisect.bisect_right(cumulative[node], rnd.random())

    def arrivals(flow: Flow):
        cumulative = [list(itertools.accumulate(row)) for row in flow.routing]
        while True:
            yield env.timeout(rnd.expovariate(flow.per_day))
            if env.now >= horizon:
                return
            count[0] += 1
            env.process(request(flow, cumulative))

    before = _rss_mib()
    start = time.process_time()
    for flow in network.flows:
        if flow.per_day > 0:
            env.process(arrivals(flow))
    env.run(until=scenario.end_day)
    elapsed = time.process_time() - start
    memory = _rss_mib() - before
    queue.put(Measured.summed(network, horizon, (count[0], elapsed, memory), waited, visits))


def heap_node_class():
    """Ciw's node, its infinite-server scan replaced by a heap of end dates (same events, same order).

    Ciw's stock node looks, at every event of the network, at every customer an infinite-server node
    holds to find the next end of service (``update_next_end_service_without_server``). This one
    keeps (end date, order of arrival, customer) in a heap, drops the entries of customers who have
    left, and gives Ciw the same answer: the earliest end date and every customer ending then, in
    the order Ciw's own scan would list them (the order they joined the node), so its random choice
    among simultaneous ends draws the same. Only for nodes without blocking, schedules or reneging,
    as in this network.
    """
    import ciw

    class HeapNode(ciw.Node):
        def __init__(self, id_, simulation):
            super().__init__(id_, simulation)
            self.ends: list = []  # (end date, order of arrival, individual)
            self.joined = 0

        def accept(self, next_individual, completed=False):
            super().accept(next_individual, completed)
            if math.isinf(self.c):
                self.joined += 1
                heapq.heappush(self.ends, (next_individual.service_end_date, self.joined, next_individual))

        def _here(self, entry) -> bool:
            date, _, individual = entry
            return individual.node == self.id_number and individual.service_end_date == date

        def update_next_end_service_without_server(self):
            if not math.isinf(self.c):
                return
            ends = self.ends
            while ends and not self._here(ends[0]):
                heapq.heappop(ends)
            if not ends:
                return
            first = ends[0][0]
            tied = []
            while ends and ends[0][0] == first:
                tied.append(heapq.heappop(ends))
            for entry in tied:
                heapq.heappush(ends, entry)
            self.possible_next_events["end_service"] = ([e[2] for e in tied if self._here(e)], first)

    return HeapNode


def ciw_tuned_run(size: int, network: Network, queue) -> None:
    """Ciw with :func:`heap_node_class` nodes."""
    ciw_run(size, network, queue, tuned=True)


def ciw_run(size: int, network: Network, queue, tuned: bool = False) -> None:
    """Run the same network in Ciw (``tuned``: with the heap node) and put what was measured on ``queue``."""
    import ciw

    scenario = stretched(size)
    horizon = scenario.horizon_days
    staffed = [name in network.staffed for name in network.nodes]
    waited = [0.0] * len(network.nodes)
    visits = [0] * len(network.nodes)
    arrived = [0]

    class SummingExit(ciw.ExitNode):
        """Sums each finished customer's waits, then lets it go (memory flat in the size)."""

        def accept(self, individual, completed=True):
            for record in individual.data_records:
                node = record.node - 1
                if staffed[node]:
                    waited[node] += record.waiting_time
                    visits[node] += 1
            if self is not None:
                individual.node = -1
                self.number_of_individuals += 1

    def dist(distribution):
        from simulator.world import distributions as d

        match distribution:
            case d.Exponential(mean=mean):
                return ciw.dists.Exponential(rate=1.0 / mean)
            case d.Lognormal():
                return ciw.dists.Lognormal(mean=distribution._mu, sd=distribution._sigma)
            case d.Triangular(low=low, mode=mode, high=high):
                return ciw.dists.Triangular(lower=low, mode=mode, upper=high)
            case d.Uniform(low=low, high=high):
                return ciw.dists.Uniform(lower=low, upper=high)
            case d.Fixed(value=value):
                return ciw.dists.Deterministic(value=value)
        raise ValueError(f"no Ciw distribution for {distribution}")

    flows = [f for f in network.flows if f.per_day > 0]
    n = len(network.nodes)
    service = [dist(d) for d in network.service]
    parameters = ciw.create_network(
        arrival_distributions={
            f.name: [ciw.dists.Exponential(rate=f.per_day) if i == f.entry else None for i in range(n)]
            for f in flows
        },
        service_distributions={f.name: service for f in flows},
        number_of_servers=[c if c else float("inf") for c in network.staff],
        routing={f.name: [list(row) for row in f.routing] for f in flows},
    )
    ciw.seed(SEED)
    before = _rss_mib()
    start = time.process_time()
    node_class = heap_node_class() if tuned else None
    simulation = ciw.Simulation(parameters, exit_node_class=SummingExit, node_class=node_class)
    simulation.simulate_until_max_time(horizon)
    elapsed = time.process_time() - start
    memory = _rss_mib() - before
    for node in simulation.transitive_nodes:  # visits already made by those still inside
        for individual in node.all_individuals:
            SummingExit.accept(None, individual)
    arrived[0] = simulation.nodes[0].number_of_individuals - 1  # it counts from 1
    queue.put(Measured.summed(network, horizon, (arrived[0], elapsed, memory), waited, visits))


def measure(target, size: int, network: Network) -> Measured:
    """Run ``target`` on the network at ``size`` in a fresh process and return what it measured."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(size, network, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main(argv: list[str] | None = None) -> None:
    """Measure mlasim, bare SimPy and Ciw on the same flow at each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e4, 1e5, 1e6])
    parser.add_argument("--no-ciw", action="store_true", help="leave Ciw out (stock and tuned)")
    parser.add_argument(
        "--ciw-max", type=float, default=1e5, help="largest size stock Ciw runs at (default 10^5; see above)"
    )
    parser.add_argument(
        "--ciw-tuned-max", type=float, default=1e6, help="largest size tuned Ciw runs at (default 10^6)"
    )
    args = parser.parse_args(argv)
    network = network_of(stretched(10_000))
    print(
        f"reference scenario: {REFERENCE.relative_to(ROOT)}; one replication, tracing off; "
        f"{len(network.nodes)} nodes, {len(network.flows)} classes, routing from {PILOT_LIVES:,} pilot lives"
    )
    runners = {"model": model_run, "bare": bare_run}
    runners |= {} if args.no_ciw else {"ciw": ciw_run, "ciw-tuned": ciw_tuned_run}
    largest = {"ciw": args.ciw_max, "ciw-tuned": args.ciw_tuned_max}
    columns = ["requests"] + [f"{name} req/s" for name in runners]
    columns += [f"{name}/bare" for name in runners if name != "bare"]
    columns += [f"{name} MiB" for name in runners]
    header = "  ".join(f"{c:>{WIDTH}}" for c in columns)
    queues = []
    print(header)
    print("-" * len(header))
    for size in (int(s) for s in args.sizes):
        results = {
            name: measure(runner, size, network)
            for name, runner in runners.items()
            if size <= largest.get(name, math.inf)
        }
        rates = {name: r.arrivals / r.seconds for name, r in results.items()}
        cells = [f"{results['model'].arrivals:>{WIDTH},}"]
        cells += [f"{rates[name]:>{WIDTH},.0f}" if name in rates else f"{'-':>{WIDTH}}" for name in runners]
        cells += [
            f"{rates['bare'] / rates[name]:>{WIDTH}.2f}" if name in rates else f"{'-':>{WIDTH}}"
            for name in runners
            if name != "bare"
        ]
        cells += [
            f"{results[name].mib:>{WIDTH}.1f}" if name in results else f"{'-':>{WIDTH}}" for name in runners
        ]
        print("  ".join(cells), flush=True)
        queues.append((size, results))
    print("\nSame flow: mean number waiting (and visits per request) at each staffed stage")
    for size, results in queues:
        print(f"  {size:,} requests")
        for stage in network.staffed:
            cells = "  ".join(
                f"{name} {r.waiting[stage]:7.3f} ({r.visits[stage]:.3f})" for name, r in results.items()
            )
            print(f"    {stage:<16} {cells}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
