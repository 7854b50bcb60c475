"""One execution object: where work runs, what it tells, within what limits; the API's keywords kept."""

from __future__ import annotations

import pytest

import simulator
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution, execution_of
from simulator.files.limits import Limits


def test_the_settings_one_by_one_make_an_execution():
    told = []
    execution = execution_of(None, workers=2, scheduler=None, announce=told.append)
    assert execution == Execution(workers=2, announce=told.append)
    assert execution_of(None, workers=None).workers is None  # every core: not the default 1
    assert execution_of(None) == DEFAULT_EXECUTION


def test_an_execution_or_its_settings_not_both():
    with pytest.raises(TypeError, match="either execution= or workers="):
        execution_of(Execution(), workers=2)
    with pytest.raises(TypeError, match="execution must be an Execution, not int"):
        execution_of(4)  # an old positional workers
    with pytest.raises(TypeError, match="unexpected keyword argument 'worker'"):
        execution_of(None, worker=2)


def test_progress_and_notes_reach_their_callables():
    steps, notes = [], []
    execution = Execution(progress=lambda *told: steps.append(told), note=notes.append)
    execution.told(3)
    execution.told(1, 10)
    execution.tell("a note")
    assert steps == [(3,), (1, 10)] and notes == ["a note"]
    Execution(progress=False).told(1)  # no display: nothing to tell, no error


def test_run_takes_an_execution_or_the_keywords_with_the_same_numbers(small_scenario):
    said_one, said_two = [], []
    by_keywords = simulator.run(small_scenario, replications=3, workers=1, announce=said_one.append)
    by_object = simulator.run(small_scenario, 3, None, Execution(workers=1, announce=said_two.append))
    assert repr(by_keywords.rows) == repr(by_object.rows)
    assert said_one == said_two == ["serial"]


def test_the_public_calls_take_an_execution(small_scenario, tmp_path):
    from simulator.experiments.designs import Design
    from tests.conftest import ROOT

    execution = Execution(workers=1, progress=False)
    comparison = simulator.compare([small_scenario, small_scenario], replications=2, execution=execution)
    assert comparison.replications == 2
    sweep = simulator.sweep(
        ROOT / "tests/data/small-sweep.toml", tmp_path / "run", Design(), replications=2, execution=execution
    )
    assert len(sweep.to_pandas()) == 2


def test_the_command_line_builds_one_execution_with_its_limits(monkeypatch):
    """``mlasim --allow-large run``: the run gets one Execution, carrying the command's limits."""
    from simulator.cli import running
    from tests.conftest import ROOT
    from tests.test_hostile import run_cli

    got = []

    def seen(*args):
        got.append(args)
        raise SystemExit(0)  # the run itself is not what this test is about

    monkeypatch.setattr(running, "run_experiment", seen)
    assert run_cli("--allow-large", "run", str(ROOT / "tests/data/small-sweep.toml"), "-w", "2", "-q")[0] == 0
    [(_, _, _, execution)] = got
    assert isinstance(execution, Execution) and execution.workers == 2
    assert execution.limits == Limits(allow_large=True)
