"""``make bench``: print how long the build and typical simulations take (medians)."""

import itertools
import statistics
import time

from myokine.build import build_sbml
from myokine.experiments import find_experiment
from myokine.paths import SBML_PATH
from myokine.simulator import Simulator


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    acute = find_experiment("acute_bout")
    training = find_experiment("training_6_weeks")
    long_training = find_experiment("training_12_weeks_modes")
    first_load = median_seconds(lambda: Simulator(SBML_PATH), 1)
    simulator = Simulator(SBML_PATH)
    durations = itertools.cycle([30.0, 45.0])
    rows = [
        ("build: Antimony -> validated SBML", median_seconds(build_sbml, 5), 5),
        ("load: SBML -> compiled model, first in the process", first_load, 1),
        ("load again (roadrunner reuses the compiled model)", median_seconds(lambda: Simulator(SBML_PATH), 5), 5),
        (
            "change one parameter's initial value, then simulate 1 min",
            median_seconds(lambda: simulator.run({"bout_duration": next(durations)}, 1, 1), 5),
            5,
        ),
    ]
    simulator.run(acute.parameters, acute.end, acute.step)  # leave the acute bout's values set
    rows.append(
        (
            f"acute bout, 24 h, {int(acute.end / acute.step) + 1} points",
            median_seconds(lambda: simulator.run(acute.parameters, acute.end, acute.step), 21),
            21,
        )
    )
    simulator.run(training.parameters, training.end, training.step)
    rows.append(
        (
            f"6 weeks of daily bouts, {int(training.end / training.step) + 1} points",
            median_seconds(lambda: simulator.run(training.parameters, training.end, training.step), 5),
            5,
        )
    )
    endurance = long_training.condition_parameters("endurance")
    simulator.run(endurance, long_training.end, long_training.step)
    rows.append(
        (
            f"12 weeks, 36 bouts, {int(long_training.end / long_training.step) + 1} points",
            median_seconds(lambda: simulator.run(endurance, long_training.end, long_training.step), 5),
            5,
        )
    )
    print(f"{'what':58s} {'median':>10s}  repeats")
    for what, seconds, repeats in rows:
        print(f"{what:58s} {seconds * 1000:8.1f} ms  {repeats}")


if __name__ == "__main__":
    main()
