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


@pytest.mark.parametrize("value", ["not json", "[1, 2]", 7, None])
def test_a_client_object_that_is_not_one_becomes_empty(value):
    assert json_object(value) == {}
