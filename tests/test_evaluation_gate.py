"""The held-out evaluation gates of `make evaluate`, run in `make test` so CI guards them."""
from scripts import evaluate


def test_the_held_out_evaluation_meets_its_gates(servers):
    results = evaluate.run(servers.rest_webhook)

    print({k: round(v, 3) for k, v in results.metrics().items()})
    assert not results.failed_gates()
