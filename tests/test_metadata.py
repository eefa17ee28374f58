"""What a client may send as metadata is cut down to safe shapes (privacy/metadata.py)."""

import pytest

from privacy.metadata import clean_metadata, json_object


@pytest.mark.parametrize(
    "page, kept",
    [
        ("/intranet/home?nhs=9434765919#x", "/intranet/home"),
        ("/patients/9434765919/notes", "/patients/[NHS_NUMBER]/notes"),
        ("/clinic/2024-01-02/Mrs Jane Doe", "/clinic/[DATE]/Mrs [NAME]"),
    ],
)
def test_the_page_keeps_its_path_only_redacted_like_a_message(page, kept):
    assert clean_metadata({"page": page}) == {"page": kept}


def test_anything_outside_the_allowlist_is_dropped():
    cleaned = clean_metadata(
        {
            "page": "/home",
            "locale": "en-GB",
            "feedback": {"rating": "helpful", "topic": "patient_images", "comment": "free text"},
            "email": "someone@example.org",
            "locale_guess": "x",
        }
    )

    assert cleaned == {
        "page": "/home",
        "locale": "en-GB",
        "feedback": {"rating": "helpful", "topic": "patient_images"},
    }


def test_feedback_keeps_the_passage_id_and_one_of_the_four_reasons():
    feedback = {
        "rating": "not_helpful",
        "topic": "patient_images",
        "passage": "sor-images-news-anonymise",
        "reason": "out_of_date",
    }

    assert clean_metadata({"feedback": feedback}) == {"feedback": feedback}


@pytest.mark.parametrize(
    "passage",
    ["Mrs Jane Doe", "9434765919", "sor images news", "x" * 101, "caldicott-principles\n", ""],
)
def test_a_passage_that_is_not_a_passage_id_is_dropped(passage):
    feedback = {"rating": "not_helpful", "topic": "students", "passage": passage}

    assert clean_metadata({"feedback": feedback}) == {
        "feedback": {"rating": "not_helpful", "topic": "students"}
    }


@pytest.mark.parametrize(
    "rating, reason",
    [
        ("not_helpful", "it was rubbish, call me on 07700 900123"),
        ("not_helpful", "Unclear"),
        ("helpful", "unclear"),
    ],
)
def test_a_reason_is_kept_only_as_one_of_the_four_after_not_helpful(rating, reason):
    cleaned = clean_metadata({"feedback": {"rating": rating, "reason": reason}})

    assert cleaned == {"feedback": {"rating": rating}}


@pytest.mark.parametrize("value", ["not json", "[1, 2]", 7, None])
def test_a_client_object_that_is_not_one_becomes_empty(value):
    assert json_object(value) == {}
