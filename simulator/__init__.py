"""mlasim: how often would an abusive mutual-legal-assistance request get through?

A discrete-event simulator of cross-border requests for electronic evidence under the 2024 UN
cybercrime convention, flowing from requesting States through a requested State's screening
pipeline. Safeguards (grounds for refusal, the discrimination clause, dual criminality, judicial
orders, consultation) are configured in scenario files; every refusal cites its provision.

Public API::

    import simulator
    scenario = simulator.load_scenario("scenarios/un-convention-baseline.toml")
    result = simulator.run(scenario, replications=20, seed=1)
    result["abuse_pass_through"]  # Estimate(mean, ci_low, ci_high, n)
    strict = simulator.load_variant("scenarios/un-convention-baseline.toml", "dual-criminality-required")
    comparison = simulator.compare([scenario, strict], replications=20)
    comparison.to_pandas()

**In a notebook.** Results show a compact table with their headline figure, and the long calls
(``run``, ``compare``, ``sweep``, ``resume``, ``check``) draw a progress bar under the cell, on by
default in a Jupyter kernel and off with ``progress=False`` (nothing is drawn outside a notebook).
``compare``, ``sweep``, ``resume`` and ``check`` are the progress-drawing versions of
:mod:`simulator.reporting.notebook`; ``run`` is :func:`simulator.experiments.run.run` itself.

**What a bare** ``import simulator`` **does: nothing but set the version.** The figures under
results in a notebook are registered on the first use of a public name (``simulator.run``,
``simulator.load_scenario``...), not by the import. Every result a notebook displays comes from such
a call, so nothing is lost; and every worker process imports this package (to run
``simulator.experiments.run``), where registering the display would load the reporting layer for
nothing and slow the start of each worker.
"""

__version__ = "0.3.1"

# The public names are imported on first use (PEP 562), so that a worker process, which imports
# ``simulator.experiments.run`` to run replications, does not pay for pandas, pyarrow or the sweeps.
_PUBLIC = {
    "Comparison": "simulator.experiments.comparison",
    "compare": "simulator.reporting.notebook",  # with a progress bar in a notebook
    "check": "simulator.reporting.notebook",
    "Design": "simulator.experiments.designs",
    "RunResult": "simulator.experiments.run",
    "run": "simulator.experiments.run",
    "SweepResult": "simulator.experiments.sweeps",
    "resume": "simulator.reporting.notebook",
    "sweep": "simulator.reporting.notebook",
    "ScenarioError": "simulator.files.loader",
    "load_scenario": "simulator.files.document",
    "parse_scenario": "simulator.files.loader",
    "load_variant": "simulator.files.document",
}


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    import importlib

    importlib.import_module("simulator.reporting.notebook")  # figures in notebook displays
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


__all__ = [
    "Comparison",
    "Design",
    "RunResult",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "check",
    "compare",
    "load_scenario",
    "load_variant",
    "parse_scenario",
    "resume",
    "run",
    "sweep",
]
