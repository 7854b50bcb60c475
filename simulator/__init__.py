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
"""

__version__ = "0.1.0"

from simulator.experiments.comparison import Comparison, compare
from simulator.experiments.designs import Design
from simulator.experiments.run import RunResult, run
from simulator.experiments.sweeps import SweepResult, resume, sweep
from simulator.files.loader import ScenarioError, load_scenario, parse_scenario
from simulator.files.overrides import load_variant
from simulator.reporting import notebook as _notebook  # noqa: F401  (figures in notebook displays)

__all__ = [
    "Comparison",
    "Design",
    "RunResult",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "load_scenario",
    "load_variant",
    "parse_scenario",
    "resume",
    "run",
    "sweep",
]
