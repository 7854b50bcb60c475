"""The sweep table: one row per configuration, constant settings once, within 100 columns."""

from __future__ import annotations

import pandas as pd

from simulator.reporting.sweep import sweep_table

#: A sweep manifest of two configurations, as the sweep table reads it.
TWO_CONFIGURATIONS = {
    "scenario": "s",
    "configurations": [{"index": 0, "parameters": {}}, {"index": 1, "parameters": {}}],
    "replications": 2,
    "seed": 1,
    "backend": "serial",
}


def test_sweep_table_marks_configurations_with_too_many_pending():
    def row(label: str, pending: float) -> dict:
        return {
            "config_index": 0 if label == "calm" else 1,
            "configuration": label,
            "abusive_pending_share.mean": pending,
            "legitimate_submitted.mean": 100.0,
            "legitimate_granted.mean": 95.0,
            "legitimate_refused.mean": 0.0,
            "legitimate_withdrawn.mean": 0.0,
        }

    manifest = TWO_CONFIGURATIONS
    text = sweep_table(pd.DataFrame([row("calm", 0.05), row("swamped", 0.6)]), manifest)
    assert "swamped (!)" in text and "calm (!)" not in text
    assert "(!) warning: in 1 configuration(s) more than 20%" in text


def test_sweep_table_marks_a_saturated_configuration():
    calm = {
        "config_index": 0,
        "configuration": "calm",
        "abusive_pending_share.mean": 0.05,
        "legitimate_submitted.mean": 0.0,
    }
    swamped = {
        **calm,
        "config_index": 1,
        "configuration": "swamped",
        "backlog.at_mid_horizon.mean": 80.0,
        "backlog.at_horizon.mean": 160.0,
        "backlog.arrivals_second_half.mean": 100.0,
        "backlog_at_end.mean": 150.0,
    }
    manifest = TWO_CONFIGURATIONS
    text = sweep_table(pd.DataFrame([calm, swamped]), manifest)
    assert "swamped (!)" in text and "calm (!)" not in text
    assert "the backlog grew through the horizon without clearing" in text


def test_constant_settings_are_said_once_and_varied_ones_get_short_columns():
    keys = ("safeguards.dual_criminality.mode", "safeguards.discrimination.evidence_threshold")
    fixed = {"requesting_state.partner.requests_per_year": 0}
    configurations, records = [], []
    for i, (mode, threshold) in enumerate([(m, t) for m in ("waived", "required") for t in (0.3, 0.7)]):
        parameters = {**fixed, keys[0]: mode, keys[1]: threshold}
        configurations.append({"index": i, "parameters": parameters})
        records.append(
            {
                "config_index": i,
                "configuration": ", ".join(f"{k}={v}" for k, v in parameters.items()),
                "abuse_pass_through.mean": 0.1 + 0.01 * i,
                "abuse_pass_through.ci_low": 0.05,
                "abuse_pass_through.ci_high": 0.2,
                "abuse_pass_through.n": 3,
            }
        )
    manifest = {**TWO_CONFIGURATIONS, "configurations": configurations}
    text = sweep_table(pd.DataFrame(records), manifest)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert text.count("requests_per_year") == 1  # said once, above the table
    assert "same in every configuration: requesting_state.partner.requests_per_year=0" in text
    assert "mode = safeguards.dual_criminality.mode" in text  # the key of a short header
    row = next(line for line in lines if line.strip().startswith("4 "))
    assert row.split()[:3] == ["4", "required", "0.7"] and "13.0% [5.0%, 20.0%]" in row
