"""A message in Welsh gets the bilingual "answers are in English for now" reply, and no English
question is ever taken for Welsh (components/welsh.py)."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.welsh import WelshDetector, is_welsh
from ops.paths import ROOT
from tools.training_data import evaluation_sets, nlu_examples

SOURCE_GUIDANCE = "https://www.sor.org/learning/document-library/somerad-guidance"
WELSH = yaml.safe_load((ROOT / "tests/language/welsh.yml").read_text(encoding="utf-8"))


def _english() -> list:
    texts = [
        text
        for intent, examples in nlu_examples().items()
        if intent != "welsh"
        for text in examples
    ]
    for content in evaluation_sets().values():
        texts += [q["text"] for q in content.get("questions", [])]
        texts += [t["text"] for c in content.get("conversations", []) for t in c["turns"]]
    return texts


@pytest.mark.parametrize("sentence", WELSH["sentences"], ids=lambda s: s["text"][:40])
def test_real_welsh_sentences_are_recognised(sentence):
    assert is_welsh(sentence["text"])


def test_no_english_question_of_the_evaluation_or_training_data_is_taken_for_welsh():
    english = _english()

    assert len(english) > 5000  # every set was read
    assert [text for text in english if is_welsh(text)] == []


def test_the_detector_sets_the_welsh_intent_and_drops_a_classifiers_guess_otherwise():
    welsh = Message({TEXT: "Ydy hi'n iawn i mi rannu lluniau o'r adran ar Facebook?"})
    english = Message({TEXT: "can I post a picture of my x-ray room?"})
    guess = [{"name": "welsh", "confidence": 0.6}, {"name": "workplace_photos", "confidence": 0.3}]
    for message in (welsh, english):
        message.set(INTENT, guess[0])
        message.set("intent_ranking", guess)

    WelshDetector({}).process([welsh, english])

    assert welsh.get(INTENT) == {"name": "welsh", "confidence": 1.0}
    assert english.get(INTENT)["name"] == "workplace_photos"
    assert [r["name"] for r in english.get("intent_ranking")] == ["workplace_photos"]


@pytest.mark.e2e
@pytest.mark.parametrize(
    "question",
    [
        "Ydy hi'n iawn i mi rannu lluniau o'r adran ar Facebook?",
        "Mae claf wedi gofyn i fod yn ffrind i mi ar Facebook. Beth ddylwn i ei wneud?",
    ],
)
def test_a_welsh_question_gets_the_bilingual_reply_with_the_guidance_link(conversation, question):
    reply = conversation(question)

    assert reply.custom == {"type": "welsh", "languages": ["cy", "en"]}
    welsh, english = reply.text.split("\n\n")
    assert "yn Saesneg yn unig" in welsh and "in English only" in english
    assert SOURCE_GUIDANCE in english
