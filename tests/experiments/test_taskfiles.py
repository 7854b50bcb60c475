"""Task files say what made them; only a sound file of the expected task is reused."""

from __future__ import annotations

import pyarrow.parquet as pq

from simulator.experiments.taskfiles import read_task, rows_sha256, task_table, write_task

EXPECTED = {
    "scenario_sha256": "a" * 64,
    "scenario_file_sha256": "b" * 64,
    "seed": 3,
    "config_index": 1,
    "parameters": {"stages.execution.staff": 2},
    "replications": [4, 5],
    "mlasim": "0.1.0",
}


def _written(tmp_path):
    table = task_table(1, [(4, {"m": 0.5}), (5, {"m": float("nan")})])
    path = tmp_path / "tasks" / "c00001-r000004-000005.parquet"
    write_task(path, table, EXPECTED)
    return path, table


def test_a_sound_file_of_the_expected_task_is_reused(tmp_path):
    path, table = _written(tmp_path)
    rows, why = read_task(path, EXPECTED)
    assert why is None and rows.equals(table) and rows.column("m").to_pylist() == [0.5, None]
    assert read_task(tmp_path / "absent.parquet", EXPECTED) == (None, None)


def test_a_file_of_another_task_or_without_identity_is_not(tmp_path):
    path, table = _written(tmp_path)
    rows, why = read_task(path, {**EXPECTED, "seed": 4, "replications": [4]})
    assert rows is None and "(seed, replications differ)" in why
    pq.write_table(table, path)  # no metadata
    assert read_task(path, EXPECTED) == (None, "carries no mlasim identity (not written by this sweep)")


def test_the_row_checksum_ignores_metadata_but_not_values(tmp_path):
    _, table = _written(tmp_path)
    assert rows_sha256(table) == rows_sha256(table.replace_schema_metadata({b"x": b"y"}))
    assert rows_sha256(table) != rows_sha256(task_table(1, [(4, {"m": 0.25}), (5, {"m": float("nan")})]))
