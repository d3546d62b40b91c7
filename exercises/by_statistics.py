"""he_init, checked by its statistics: random weights cannot be compared number by number.

He initialisation draws each weight from the normal distribution with mean 0 and
standard deviation σ = √(2/n_in) (docs/math.md, section 9). The check draws a 784 × 128
matrix, the first layer's, 100 352 weights, and measures them:

    their mean                  within 5 standard errors (5σ/√N) of 0
    their standard deviation    within 3% of σ (its own standard error is about 0.2%)
    the share within one standard deviation of the mean
                                68.3% ± 2%, a normal distribution's (a uniform one has 57.7%)

and the same seed must give the same weights, as the project's runs are reproducible.
A standard deviation that is another well-known one (2/n_in, √(1/n_in), √(2/n_out), ...)
is named as that mistake.
"""

import math
import random

from . import checks
from .mistakes import Mistake
from .values import describe, shape_of

N_IN, N_OUT = 784, 128
NORMAL_SHARE = 0.6827  # of a normal distribution within one standard deviation of its mean
SHARE_TOLERANCE = 0.02
STD_TOLERANCE = 0.03

CHECKED_BY = ("its statistics: mean within 5 standard errors of 0, standard deviation within 3% of √(2/n_in), "
              "68.3% ± 2% of the weights within one standard deviation, and the same seed giving the same weights")


def _known(name, advice):
    return Mistake(name, advice, None, None, None, None)


NOT_FROM_RNG = _known("not drawn from rng", "draw every weight with rng.gauss(0, σ), from the rng given, so that "
                                            "the same seed always gives the same weights.")
TRANSPOSED = _known("n_out × n_in", "W has a row for each input: n_in rows of n_out weights.")
UNIFORM = _known("uniform draws", "He initialisation draws from the normal distribution, rng.gauss(0, σ), "
                                  "not rng.uniform.")
# Standard deviations that learners reach for instead of √(2/n_in), each the mark of a mistake.
OTHER_SIGMAS = [
    (_known("the variance as the standard deviation", "the variance is 2/n_in; rng.gauss takes the standard "
                                                      "deviation, its square root √(2/n_in)."),
     lambda n_in, n_out: 2 / n_in),
    (_known("√(1/n_in), not √(2/n_in)", "ReLU zeroes half of its inputs, so He's variance is 2/n_in, twice "
                                        "1/n_in (docs/math.md, section 9)."),
     lambda n_in, n_out: math.sqrt(1 / n_in)),
    (_known("n_out where n_in belongs", "the variance is 2/n_in: n_in is the number of inputs each unit adds up."),
     lambda n_in, n_out: math.sqrt(2 / n_out)),
    (_known("Xavier's variance, not He's", "Xavier's 2/(n_in + n_out) suits sigmoid and tanh; ReLU wants He's "
                                           "2/n_in."),
     lambda n_in, n_out: math.sqrt(2 / (n_in + n_out))),
    (_known("the standard deviation left at 1", "rng.gauss(0, 1) draws with standard deviation 1: give it "
                                                "√(2/n_in)."),
     lambda n_in, n_out: 1.0),
]


def check(exercise, function, directory, on_case):
    """The Result of he_init's check (see checks.check)."""
    def failed(summary, *lines):
        return checks.Result(exercise.name, checks.FAILED, "\n".join((summary,) + lines))

    on_case("he_init(3, 2, random.Random(0))")
    try:
        small = function(3, 2, random.Random(0))
        again = function(3, 2, random.Random(0))
    except (Exception, SystemExit) as error:
        if isinstance(error, NotImplementedError):
            return checks.not_written(exercise)
        return failed(f"he_init(3, 2, random.Random(0)) raised {checks.error_text(error, directory)}")
    if shape_of(small) != (3, 2):
        return failed(f"he_init(3, 2, random.Random(0)) returned {describe(small)}, where a 3 × 2 matrix "
                      "(n_in × n_out) was expected")
    if small != again:
        return failed("not drawn from rng: random.Random(0) twice gave two different matrices",
                      checks.advice(NOT_FROM_RNG))
    on_case(f"he_init({N_IN}, {N_OUT}, random.Random(1)): its statistics")
    try:
        W = function(N_IN, N_OUT, random.Random(1))
    except (Exception, SystemExit) as error:
        return failed(f"he_init({N_IN}, {N_OUT}, random.Random(1)) raised {checks.error_text(error, directory)}")
    if shape_of(W) != (N_IN, N_OUT):
        mistake = [checks.advice(TRANSPOSED)] if shape_of(W) == (N_OUT, N_IN) else []
        return failed(f"he_init({N_IN}, {N_OUT}, rng) returned {describe(W)}, where a {N_IN} × {N_OUT} matrix "
                      "was expected", *mistake)
    problem = statistical_problem([w for row in W for w in row])
    if problem:
        return failed(f"he_init({N_IN}, {N_OUT}, random.Random(1)): {problem[0]}", *problem[1:])
    return checks.Result(exercise.name, checks.PASSED, "passed, checked by " + CHECKED_BY)


def statistical_problem(weights):
    """None when the weights look drawn from N(0, 2/N_IN); else lines saying what is off, and the mistake."""
    sigma = math.sqrt(2 / N_IN)
    count = len(weights)
    mean = sum(weights) / count
    std = math.sqrt(sum((w - mean) ** 2 for w in weights) / count)
    if abs(std / sigma - 1) > STD_TOLERANCE:
        lines = [f"the standard deviation of the weights is {std:.4g}; expected √(2/{N_IN}) ≈ {sigma:.4g} (± 3%)"]
        for mistake, other in OTHER_SIGMAS:
            if abs(std / other(N_IN, N_OUT) - 1) <= STD_TOLERANCE:
                lines.append(checks.advice(mistake))
                break
        return lines
    if abs(mean) > 5 * sigma / math.sqrt(count):
        return [f"the mean of the weights is {mean:.4g}; expected about 0 (within {5 * sigma / math.sqrt(count):.2g})"]
    share = sum(abs(w - mean) <= std for w in weights) / count
    if abs(share - NORMAL_SHARE) > SHARE_TOLERANCE:
        lines = [f"{share:.1%} of the weights are within one standard deviation of the mean; a normal "
                 f"distribution has {NORMAL_SHARE:.1%}"]
        if abs(share - 1 / math.sqrt(3)) <= SHARE_TOLERANCE:
            lines.append(checks.advice(UNIFORM))
        return lines
    return None
