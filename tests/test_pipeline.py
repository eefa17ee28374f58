"""config.yml as Rasa's training cache needs it."""

import pytest
import yaml
from rasa.utils.common import override_defaults

from ops.paths import ROOT

PIPELINE = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]


def _custom_component(name: str):
    module, _, cls = name.rpartition(".")
    return getattr(__import__(module, fromlist=[cls]), cls)


@pytest.mark.parametrize(
    "component",
    [c for c in PIPELINE if c["name"].startswith("components.")],
    ids=lambda c: c["name"],
)
def test_a_custom_components_config_merges_the_same_both_ways(component):
    # The cache looks a trained component up by its config over the defaults merged shallowly,
    # and stores it under the deep merge the graph runs with: if a nested default (a weight)
    # is missing from config.yml the two keys differ and every training retrains it.
    defaults = _custom_component(component["name"]).get_default_config()
    assert override_defaults(defaults, component) == {**defaults, **component}
