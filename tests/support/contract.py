"""The public reply contract: topic ids and reply types that channels and analytics rely on."""

# Frozen on purpose, not read from data/guidance/topics.yml: a renamed topic breaks the channels'
# and analytics' contract, so the rename must be made here too (tests/test_knowledge_base.py).
TOPIC_IDS = (
    "social_media_basics",
    "choosing_platforms",
    "digital_footprint_and_privacy",
    "professional_standards",
    "patient_confidentiality",
    "patient_images",
    "workplace_photos",
    "professional_boundaries",
    "networking_and_learning",
    "messaging_apps",
    "raising_concerns",
    "employer_policy",
    "personal_accounts",
    "inappropriate_content",
    "online_abuse",
    "patients_recording",
    "defamation",
    "consequences",
    "students",
    "seeking_advice",
    "public_engagement",
)

REPLY_TYPES = (
    "answer",
    "clarify",
    "out_of_scope",
    "smalltalk",
    "feedback",
    "feedback_reason",
    "welsh",
    "check_question",
    "check_verdict",
    "expert_request",
)

# A question the shipped model is unsure about, so it asks which of 2-3 topics was meant; the
# channels' clarify tests use it (measured: tests/test_conversation.py checks it still is).
# ("can I post it" starts the "before you post" check.)
AMBIGUOUS_QUESTION = "can I post about work"
