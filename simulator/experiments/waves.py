"""Running a calibration's waves (:mod:`simulator.experiments.calibration`) to the calibrated scenario.

Each wave is a sweep of listed points in its own run directory; once it has finished, its outputs
(per point and fitting target: the mean over replications, and the variance between them) go into
the calibration's manifest, the emulators are fitted on them, the region left is sampled and the
next wave's points are drawn from it. :func:`execute` picks up wherever the directory stands.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator.experiments import fitting, history
from simulator.experiments.calibration import (
    CONVERGED,
    SCENARIO_COPY,
    TARGETS_COPY,
    _save,
    ranges_of,
    read_manifest,
    wave_seed,
)
from simulator.experiments.draws import Points
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.rundirs import holding
from simulator.experiments.sweeps import utc_now
from simulator.files.calibrated import rounded
from simulator.files.reader import Problem, ScenarioError
from simulator.files.targets import Targets, read_targets

Tell = Callable[[str], None]
#: A wave converges only once its emulators' own variance is under this share of the
#: implausibility's variance over the region left (else another wave can still sharpen them).
ACCURATE = 0.5


@frozen
class Calibration:
    """A finished calibration: its directory, manifest, and the fit of the calibrated scenario."""

    directory: Path
    manifest: Mapping[str, Any]
    targets: Targets
    fits: tuple[fitting.Fit, ...]
    best: Mapping[str, Any]  # the calibrated values (dotted key -> value)
    bounds: Mapping[str, tuple[float, float]]  # the region's span per key (empty if nothing survived)
    share: float  # the share of the prior space still non-implausible

    @property
    def ruled_out(self) -> float:
        """The share of the prior space ruled out as implausible."""
        return 1.0 - self.share


def execute(directory: str | Path, execution: Execution = DEFAULT_EXECUTION, tell: Tell = lambda s: None):
    """Run the calibration in ``directory`` to its end (resuming), and write its outputs."""
    directory = Path(directory)
    read_manifest(directory)
    with holding(directory):
        return _execute(directory, execution, tell)


def _execute(directory: Path, execution: Execution, tell: Tell) -> Calibration:
    manifest = read_manifest(directory)
    targets = read_targets(directory / TARGETS_COPY)
    space = history.Space(tuple(ranges_of(manifest)))
    limits = execution.limits
    if manifest.get("allow_large") and not limits.allow_large:
        import attrs

        limits = attrs.evolve(limits, allow_large=True)
    execution = execution.but(limits=limits)
    while True:
        waves = manifest["waves"]
        if waves and waves[-1]["status"] == "designed":
            _run_wave(directory, manifest, waves[-1], targets, execution, tell)
            continue
        following = _next_design(manifest, space, targets, tell)
        if following is None:
            break
        waves.append(following)
        _save(directory, manifest)
    return _finish(directory, manifest, space, targets, execution, tell)


def _spent(manifest: Mapping[str, Any]) -> int:
    return sum(len(w["points"]) * manifest["plan"]["replications"] for w in manifest["waves"])


def _next_design(manifest, space: history.Space, targets: Targets, tell: Tell) -> dict | None:
    """The next wave's points, or None when the calibration has done its waves."""
    plan, waves = manifest["plan"], manifest["waves"]
    left = plan["budget"] - plan["final_replications"] - _spent(manifest)
    count = min(plan["points"], left // plan["replications"])
    index = len(waves) + 1
    seed = wave_seed(plan["seed"], index)
    if not waves:
        unit = history.first_design(space, count, seed)
    else:
        stop = _stop_reason(manifest, count)
        if stop:
            tell(f"calibration: {stop}")
            return None
        region = _region(manifest, space, targets, len(waves))
        if not region.sample:
            tell("calibration: no point of the parameter space is left non-implausible: stopping")
            return None
        unit = history.spread_out(region.sample, count, seed)
    points = [space.values(u) for u in unit]
    return {"index": index, "status": "designed", "points": points, "unit": [space.unit(p) for p in points]}


def _stop_reason(manifest, count: int) -> str | None:
    plan, waves = manifest["plan"], manifest["waves"]
    if len(waves) >= plan["waves"]:
        return f"{len(waves)} waves done (--waves {plan['waves']})"
    if count < max(5, len(manifest["ranges"]) + 2):
        return f"the budget left pays for {count} points: not enough for another wave"
    shares = [w["share"] for w in waves if "share" in w]
    accurate = waves[-1].get("emulator_share", 0.0) < ACCURATE
    if len(shares) >= 2 and shares[-1] > CONVERGED * shares[-2] and accurate:
        return (
            f"wave {len(waves)} shrank the region by less than a tenth and its emulators are no longer "
            "the main uncertainty: converged"
        )
    return None


def _run_wave(directory: Path, manifest, wave, targets: Targets, execution: Execution, tell: Tell) -> None:
    plan, index = manifest["plan"], wave["index"]
    where = directory / f"wave-{index}"
    tell(
        f"wave {index}: {len(wave['points'])} points x {plan['replications']} replications "
        f"({_spent(manifest)} of a budget of {plan['budget']} replications with this wave)"
    )
    rows = _sweep_rows(directory, where, wave["points"], plan["replications"], plan["seed"], execution)
    wave["outputs"] = _outputs(targets, rows, len(wave["points"]))
    wave["implausibility"] = [_worst(targets, rows[i]) for i in range(len(wave["points"]))]
    wave["status"] = "done"
    space = history.Space(tuple(ranges_of(manifest)))
    region = _region(manifest, space, targets, index)
    wave["share"], wave["survivors"] = region.share, len(region.sample)
    import numpy as np

    known = _emulators(manifest, targets, index)[-1]
    wave["emulator_share"] = history.emulator_share(known, np.asarray(region.sample[:500], float))
    wave["bounds"], wave["unit_bounds"] = _bounds(space, region), region.bounds() or None
    _save(directory, manifest)
    tell(
        f"wave {index}: {sum(i < fitting.CUTOFF for i in wave['implausibility'])} of {len(wave['points'])} "
        f"points simulated non-implausible; {region.share:.2%} of the parameter space left "
        f"({1 - region.share:.1%} ruled out)"
    )


def _sweep_rows(directory, where: Path, points, replications: int, seed: int, execution: Execution):
    """Run (or resume) a sweep of ``points`` in ``where``; its rows grouped by point."""
    from simulator.experiments import sweeps

    if not (where / sweeps.MANIFEST).exists():
        sweeps.start(directory / SCENARIO_COPY, where, Points(points), replications, seed,
                     batch=replications, force=where.exists(), limits=execution.limits)  # fmt: skip
    manifest = sweeps.read_manifest(where)
    result = sweeps.SweepResult(where) if manifest.get("finished") else sweeps.execute(where, execution)
    frame = result.to_pandas()
    grouped: list[list[dict[str, float]]] = [[] for _ in points]
    for record in frame.to_dict("records"):
        grouped[int(record["config_index"])].append(record)
    return grouped


def _outputs(targets: Targets, rows, count: int) -> dict[str, dict[str, list]]:
    """Per fitting target: each point's mean and its variance between replications."""
    outputs = {}
    for target in targets.fitting:
        means, variances = [], []
        for i in range(count):
            values = [_number(r.get(target.metric)) for r in rows[i]]
            found = fitting.fit(target, values)
            means.append(_json(found.simulated.mean))
            variances.append(_json(found.variance))
        if all(m is None for m in means):
            problem = Problem(
                targets.path, f"target {target.id!r}", f"the scenario produced no metric {target.metric!r}"
            )
            raise ScenarioError([problem])
        outputs[target.id] = {"mean": means, "variance": variances}
    return outputs


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _json(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _worst(targets: Targets, rows: Sequence[Mapping[str, Any]]) -> float | None:
    found = [fitting.fit(t, [_number(r.get(t.metric)) for r in rows]) for t in targets.fitting]
    worst = fitting.worst(found)
    return None if math.isinf(worst) else worst


_EMULATORS: dict[tuple[str, int], list[history.Emulator]] = {}


def _identity(manifest, upto: int) -> str:
    """What the emulators and region after wave ``upto`` depend on, as one digest."""
    import hashlib

    waves = [
        [w.get("unit"), w.get("outputs"), w.get("unit_bounds") if w["index"] < upto else None]
        for w in manifest["waves"][:upto]
    ]
    what = [manifest["ranges"], manifest["targets_sha256"], manifest["plan"]["seed"], waves]
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def _emulators(manifest, targets: Targets, upto: int) -> list[list[history.Emulator]]:
    """Each finished wave's emulators (one per fitting target), wave 1 to ``upto`` (fitted once per
    process: the same outputs and seed always give the same emulators)."""
    plan, found = manifest["plan"], []
    for wave in manifest["waves"][:upto]:
        if wave["status"] != "done":
            break
        key = (_identity(manifest, wave["index"]), wave["index"])
        if key in _EMULATORS:
            found.append(_EMULATORS[key])
            continue
        emulators = _EMULATORS[key] = []
        for target in targets.fitting:
            out = wave["outputs"][target.id]
            means = [math.nan if m is None else m for m in out["mean"]]
            variances = [math.nan if v is None else v for v in out["variance"]]
            emulators.append(history.emulate(target, wave["unit"], means, variances, plan["seed"]))
        found.append(emulators)
    return found


_REGIONS: dict[tuple[str, int], history.Region] = {}


def _region(manifest, space: history.Space, targets: Targets, upto: int) -> history.Region:
    """The region left after waves 1..``upto``: sampled in the box around the region the waves
    before left (the whole space after wave 1), judged by every wave's emulators so far."""
    key = (_identity(manifest, upto), upto)
    if key not in _REGIONS:
        waves = _emulators(manifest, targets, upto)
        before = manifest["waves"][upto - 2].get("unit_bounds") if upto > 1 else None
        around = [[lo for lo, _ in before], [hi for _, hi in before]] if before else []
        seed = wave_seed(manifest["plan"]["seed"], 1000 + upto)
        _REGIONS[key] = history.region(waves, around, seed)
    return _REGIONS[key]


def _bounds(space: history.Space, region: history.Region) -> dict[str, list[float]] | None:
    """Per parameter, the values the region's sample spans."""
    spans = region.bounds()
    if not spans:
        return None
    found = {}
    for i, (r, (lo, hi)) in enumerate(zip(space.ranges, spans, strict=True)):
        low = space.values([lo if j == i else 0.0 for j in range(len(spans))])[r.key]
        high = space.values([hi if j == i else 0.0 for j in range(len(spans))])[r.key]
        found[r.key] = [low, high]
    return found


def _best(manifest) -> tuple[dict[str, Any], float]:
    """The simulated point whose largest implausibility over the fitting targets is the least."""
    best, least = None, math.inf
    for wave in manifest["waves"]:
        if wave["status"] != "done":
            continue
        for point, worst in zip(wave["points"], wave["implausibility"], strict=True):
            value = math.inf if worst is None else worst
            if best is None or value < least:
                best, least = point, value
    if best is None:
        raise ScenarioError([Problem(str(manifest["scenario"]), "", "no wave has run: nothing to calibrate")])
    return {key: rounded(value) for key, value in best.items()}, least


def _finish(directory: Path, manifest, space: history.Space, targets: Targets, execution: Execution,
            tell: Tell) -> Calibration:  # fmt: skip
    from simulator.experiments.calibration import FINAL

    done = [w for w in manifest["waves"] if w["status"] == "done"]
    best, least = _best(manifest)
    region = _region(manifest, space, targets, len(done))
    plan = manifest["plan"]
    tell(f"final check: the calibrated point x {plan['final_replications']} replications")
    rows = _sweep_rows(
        directory, directory / FINAL, [best], plan["final_replications"], plan["seed"], execution
    )
    found = tuple(fitting.fits(targets, rows[0]))
    bounds = _bounds(space, region) or {}
    result = Calibration(directory, manifest, targets, found, best, bounds, region.share)
    _write_outputs(directory, manifest, result, space, region)
    manifest.update(best=best, best_implausibility=_json(least), share=region.share, bounds=bounds)
    manifest["finished"] = manifest.get("finished") or utc_now()
    _save(directory, manifest)
    return result


def _write_outputs(directory: Path, manifest, result: Calibration, space: history.Space,
                   region: history.Region) -> None:  # fmt: skip
    """region.csv, calibrated.toml and fit.csv (each written atomically)."""
    import csv
    import io

    from simulator.experiments.calibration import CALIBRATED, FIT_TABLE, REGION
    from simulator.files.calibrated import Calibrated, calibrated_text, header_lines
    from simulator.files.output import write_text

    keys = space.keys
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(keys)
    for unit in region.sample:
        point = space.values(unit)
        writer.writerow([point[k] for k in keys])
    write_text(directory / REGION, buffer.getvalue())
    fitted = [t.id for t in result.targets.fitting]
    parameters = [
        Calibrated(
            r.key, result.best[r.key], *(result.bounds.get(r.key) or (None, None)), (r.low, r.high), fitted
        )
        for r in space.ranges
    ]
    header = header_lines(
        Path(manifest["scenario_origin"]).name, Path(manifest["targets_origin"]).name, fitted,
        [t.id for t in result.targets.held_out], manifest["started"][:10], result.share,
    )  # fmt: skip
    text = (directory / SCENARIO_COPY).read_text(encoding="utf-8")
    source = {
        "title": (
            f"mlasim calibrate: fitted to targets {', '.join(fitted)} of "
            f"{Path(manifest['targets_origin']).name}, history matching"
        ),
        "year": int(manifest["started"][:4]),
        "note": (
            f"Calibrated on {manifest['started'][:10]}; each range is what the fit left non-implausible "
            f"({result.share:.2%} of the prior space survived); the fit table is fit.csv."
        ),
    }
    write_text(directory / CALIBRATED, calibrated_text(text, parameters, header, source=source))
    write_text(directory / FIT_TABLE, fit_csv(result.fits))


def fit_csv(fits: Sequence[fitting.Fit]) -> str:
    """The fit table as CSV: one row per target (observed, simulated with its interval, implausibility)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["target", "metric", "use", "observed", "low", "high", "sd", "discrepancy",
                     "simulated", "ci_low", "ci_high", "n", "implausibility", "consistent", "source",
                     "solidity"])  # fmt: skip
    for f in fits:
        t, s = f.target, f.simulated
        writer.writerow([t.id, t.metric, t.use, t.value, t.low, t.high, t.sd, t.discrepancy, s.mean, s.ci_low,
                         s.ci_high, s.n, f.implausibility, f.consistent, t.source, t.solidity])  # fmt: skip
    return buffer.getvalue()


def judged(directory: str | Path, points: Sequence[Mapping[str, Any]]) -> list[float]:
    """Each point's largest implausibility under the emulators of every finished wave (below 3: the
    point is in the non-implausible region), e.g. to ask whether a value one believes is ruled out."""
    import numpy as np

    manifest = read_manifest(directory)
    targets = read_targets(Path(directory) / TARGETS_COPY)
    space = history.Space(tuple(ranges_of(manifest)))
    done = sum(w["status"] == "done" for w in manifest["waves"])
    unit = np.asarray([space.unit(p) for p in points], float)
    worst = np.zeros(len(unit))
    for emulators in _emulators(manifest, targets, done):
        worst = np.maximum(worst, history.implausibility(emulators, unit))
    return worst.tolist()
