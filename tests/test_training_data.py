from pathlib import Path

import yaml

from tests.contract import TOPIC_IDS
from tests.training_data import ROOT, evaluation_sets, held_out_phrases, nlu_examples, normalise

CONVERSATION_INTENTS = (
    "greet", "goodbye", "thanks", "help", "bot_challenge", "affirm", "deny", "follow_up", "feedback"
)


def _domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def test_the_domain_has_one_intent_per_topic_plus_conversation_and_out_of_scope():
    assert set(_domain()["intents"]) == {*TOPIC_IDS, "out_of_scope", *CONVERSATION_INTENTS}


def test_every_topic_has_a_rule_to_the_guidance_action():
    rules = yaml.safe_load((ROOT / "data" / "rules" / "guidance.yml").read_text())["rules"]
    routed = {
        rule["steps"][0]["intent"]
        for rule in rules
        if rule["steps"][1] == {"action": "action_answer_guidance"}
    }
    assert routed == set(TOPIC_IDS)


def test_every_intent_has_enough_varied_examples():
    examples = nlu_examples()
    for topic in TOPIC_IDS:
        assert len(set(map(normalise, examples[topic]))) >= 25, topic
    assert len(set(map(normalise, examples["out_of_scope"]))) >= 100
    for intent in CONVERSATION_INTENTS:
        assert len(examples[intent]) >= 10, intent


def test_no_example_is_labelled_with_two_intents():
    seen = {}
    for intent, examples in nlu_examples().items():
        for example in examples:
            key = normalise(example)
            assert seen.setdefault(key, intent) == intent, (example, seen[key], intent)


def test_no_held_out_phrase_is_in_the_training_data():
    training = {normalise(e) for examples in nlu_examples().values() for e in examples}
    leaked = [p for p in held_out_phrases() if normalise(p) in training]
    assert not leaked


def test_the_evaluation_sets_are_big_enough_and_labelled_with_contract_ids():
    sets = evaluation_sets()
    for name, per_topic, out_of_scope in (("test", 8, 40), ("dev", 5, 30)):
        labels = [q["topic"] for q in sets[name]["questions"]]
        assert set(labels) <= {*TOPIC_IDS, "out_of_scope"}, name
        assert min(labels.count(t) for t in TOPIC_IDS) >= per_topic, name
        assert labels.count("out_of_scope") >= out_of_scope, name


def test_tuning_and_test_sets_do_not_share_questions():
    sets = evaluation_sets()
    dev = {normalise(q["text"]) for q in sets["dev"]["questions"]}
    assert not [q["text"] for q in sets["test"]["questions"] if normalise(q["text"]) in dev]
