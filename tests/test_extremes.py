"""Several extreme values at once: every document is refused in one line, or runs within a budget.

A fuzzer that changed one value at a time found no hang in 800 documents; the hang of issue 20 needs
three at once (reviews of no time, every request refused, fresh requests at once without end).
:func:`~simulator.checking.strategies.extremes.extreme_documents` composes two to six extreme leaves;
for each document, ``mlasim validate`` (:func:`~simulator.checking.validation.file_problems`) and
the reading of the scenario agree, and either refuse it with one line per problem, or one
replication finishes, or is stopped in one line by its budget of requests or by the clock's watch,
within a minute: never a hang, a traceback or an "internal error". ``bench/fuzz_extremes.py`` runs
the same check on hundreds of documents.
"""

from __future__ import annotations

from collections import Counter

import tomli_w
from hypothesis import given, settings

from simulator.checking.strategies.extremes import extreme_documents, try_document
from simulator.checking.validation import file_problems

#: The budget of a replication: its requests (a stop past it is one line), and its time (a hang).
REQUESTS, SECONDS = 3_000, 60.0


def test_extreme_documents_are_refused_in_one_line_or_run_within_a_budget(tmp_path):
    seen: Counter[str] = Counter()

    @settings(max_examples=40)
    @given(extreme_documents())
    def each(doc):
        kind, line = try_document(doc, REQUESTS, SECONDS)
        seen[kind] += 1
        assert kind in ("refused", "finished", "stopped")
        if len(doc["requesting_state"]) > 100:
            return  # validate agrees (its reading is the one tried); reading such a file thrice takes 1 s
        path = tmp_path / "extreme.toml"
        path.write_text(tomli_w.dumps({k: v for k, v in doc.items() if k != "_leaves"}))
        problems = [str(p) for p in file_problems(path)]
        assert bool(problems) == (kind == "refused"), (doc["_leaves"], problems, line)
        assert all("\n" not in p and "internal error" not in p for p in problems)

    each()
    # no tame sample: some documents were refused, some ran (to the end, or stopped by their budget:
    # tests/world/test_volume.py stops replications on purpose)
    assert seen["refused"] >= 5 and seen["finished"] + seen["stopped"] >= 5, seen
