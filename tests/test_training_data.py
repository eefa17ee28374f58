import yaml

from tests.support.contract import TOPIC_IDS
from tools.training_data import (
    ROOT,
    evaluation_sets,
    held_out_phrases,
    near_duplicates,
    nlu_blocks,
    nlu_examples,
    normalise,
    page,
)

CONVERSATION_INTENTS = (
    "greet",
    "goodbye",
    "thanks",
    "help",
    "bot_challenge",
    "affirm",
    "deny",
    "follow_up",
    "feedback",
    "welsh",
    "check_post",
    "stop",
    "ask_expert",
)


def _domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def test_the_domain_has_one_intent_per_topic_plus_conversation_and_out_of_scope():
    assert set(_domain()["intents"]) == {*TOPIC_IDS, "out_of_scope", *CONVERSATION_INTENTS}


def test_the_one_guidance_rule_routes_every_topic_of_the_knowledge_base():
    (rule,) = yaml.safe_load((ROOT / "data" / "rules" / "guidance.yml").read_text())["rules"]
    alternatives, action = rule["steps"]
    routed = [step["intent"] for step in alternatives["or"]]
    topics = [
        t["id"] for t in yaml.safe_load((ROOT / "data/guidance/topics.yml").read_text())["topics"]
    ]
    assert action == {"action": "action_answer_guidance"}
    assert routed == topics


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


def test_no_held_out_phrase_or_a_near_copy_of_one_is_in_the_training_data():
    training = [text for _, text, _ in nlu_blocks()]
    assert not near_duplicates(training, held_out_phrases())


def test_the_near_duplicate_check_catches_copies_and_light_paraphrases():
    held_out = ["my manager added me on facebook and i dont know if i should accept it or not"]
    assert near_duplicates(
        ["My manager added me on Facebook and I don't know if I should accept it"], held_out
    )
    assert near_duplicates(
        ["so, my manager added me on facebook and i dont know if i should accept it or not!!"],
        held_out,
    )
    assert not near_duplicates(["a patient sent me a friend request on instagram"], held_out)


def _real(split):
    return evaluation_sets()[f"real/{split}"]["questions"]


def test_the_real_question_corpus_is_big_and_varied_enough():
    questions = _real("tune") + _real("test")
    in_scope = [q for q in questions if q["topics"] != ["out_of_scope"]]
    assert len(in_scope) >= 300
    assert len(questions) - len(in_scope) >= 120
    assert sum(len(q["text"].split()) >= 40 for q in in_scope) >= len(in_scope) / 4
    for kind in ("other_profession", "non_uk", "manager", "near_domain"):
        assert sum(kind in q.get("kinds", ()) for q in questions) >= 20, kind
    assert sum(len(q["topics"]) > 1 for q in in_scope) >= 50


def test_every_real_question_has_its_source_and_one_to_three_contract_topics():
    for question in _real("tune") + _real("test"):
        assert question["source"].startswith(("http://", "https://")), question
        assert 1 <= len(question["topics"]) <= 3, question
        assert set(question["topics"]) <= {*TOPIC_IDS, "out_of_scope"}, question
        assert question["topics"] == ["out_of_scope"] or "out_of_scope" not in question["topics"]


def test_a_passage_label_names_a_passage_on_one_of_the_accepted_topics(knowledge_base):
    labelled = [q for q in _real("tune") + _real("test") if "passage" in q]
    assert len(labelled) >= 100
    for question in labelled:
        passage = knowledge_base.passages[question["passage"]]
        assert set(passage.topics) & set(question["topics"]), question["passage"]


def test_a_source_page_never_feeds_two_splits_or_the_training_data():
    tune = {page(q["source"]) for q in _real("tune")}
    test = {page(q["source"]) for q in _real("test")}
    training = {page(m["source"]) for _, _, m in nlu_blocks() if "source" in m}
    assert training, "the real voices in data/nlu/ carry their source"
    assert not tune & test
    assert not (tune | test) & training


def test_the_evaluation_sets_are_big_enough_and_labelled_with_contract_ids():
    sets = evaluation_sets()
    for name, per_topic, out_of_scope in (("test", 8, 40), ("dev", 5, 30)):  # the written sets
        labels = [q["topic"] for q in sets[name]["questions"]]
        assert set(labels) <= {*TOPIC_IDS, "out_of_scope"}, name
        assert min(labels.count(t) for t in TOPIC_IDS) >= per_topic, name
        assert labels.count("out_of_scope") >= out_of_scope, name


def test_tuning_and_test_sets_do_not_share_questions():
    sets = evaluation_sets()
    dev = {normalise(q["text"]) for q in sets["dev"]["questions"]}
    assert not [q["text"] for q in sets["test"]["questions"] if normalise(q["text"]) in dev]


def test_the_real_voice_folds_of_crossval_hold_each_page_out_whole_and_every_voice_once(tmp_path):
    import shutil

    from tools.crossval import FOLDS, _split_real_voices

    sources = {text: meta["source"] for _, text, meta in nlu_blocks() if meta.get("source")}
    held_out, fold_of_page = [], {}
    for fold in range(FOLDS):
        data = tmp_path / f"fold{fold}"
        shutil.copytree(ROOT / "data" / "nlu", data / "nlu")
        voices = _split_real_voices(fold, data)
        kept = {text for _, text, meta in _blocks_of(data / "nlu" / "real_voices.yml")}
        assert not kept & {text for _, text in voices}
        assert len(kept) + len(voices) == len(sources)
        for _, text in voices:
            assert fold_of_page.setdefault(page(sources[text.strip()]), fold) == fold
        held_out += voices
    assert len(held_out) == len(sources) and len(fold_of_page) > 5 * FOLDS


def _blocks_of(path):
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (block["intent"], e["text"].strip(), e.get("metadata") or {})
        for block in content["nlu"]
        for e in block["examples"]
    ]
