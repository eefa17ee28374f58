"""The sentence embedding's text handling: text-speak spelled out, the question in a story."""

import yaml

from components.sentence_encoder import question_part, spell_out
from ops.paths import ROOT


def spellings():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    return next(c for c in pipeline if c.get("alias") == "sentence_embedding")["spellings"]


def test_text_speak_is_spelled_out_word_by_word_and_nothing_else_changes():
    assert spell_out("cn i pst xry on fb", spellings()) == "can i post xray on facebook"
    assert (
        spell_out("Is it OK to post pics of pts?", spellings())
        == "Is it OK to post pictures of patients?"
    )
    assert spell_out("Can I post on Facebook?", spellings()) == "Can I post on Facebook?"
    assert spell_out("cnn and fbi", spellings()) == "cnn and fbi", "only whole words"


def test_a_long_post_is_judged_by_its_last_question_and_the_sentence_before_it():
    story = (
        "I have worked in CT for six years. Last week a patient found me on Instagram. "
        "She sent a lovely message and a follow request. Should I accept it? Thanks all."
    )
    assert (
        question_part(story, long_words=25)
        == "She sent a lovely message and a follow request. Should I accept it?"
    )
    assert question_part("Short question about my own scan photos?", long_words=25) is None
