"""The evaluation in `make test`, so CI catches a change that makes answers worse.

`make evaluate` reports against the targets (tools/evaluate.GATES); this holds the line at
what the shipped model measured when it landed (tools/evaluate.FLOORS, a few points of
slack for machine noise): a change may not undo the work on real questions.
"""

import pytest

from tools import evaluate

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


def test_real_and_written_questions_are_no_worse_than_when_the_model_landed(servers):
    results = evaluate.evaluate(servers.rest_webhook)

    for name, result in results.items():
        print(name, {k: round(v, 3) for k, v in result.metrics().items()})
    failed = [
        f"{name}: {f}"
        for name, result in results.items()
        for f in result.failed_gates(evaluate.FLOORS[name])
    ]
    assert not failed
