"""How the operators' commands run the assistant, read from the environment in one place
(docs/reference/configuration.md lists them all)."""

import os

RASA_PORT = int(os.getenv("RASA_PORT", "5005"))
ACTION_PORT = int(os.getenv("ACTION_PORT", "5055"))
WEB_PORT = int(os.getenv("WEB_PORT", "8080"))
ENDPOINTS = os.getenv("ENDPOINTS", "endpoints.yml")
# Origins whose pages may talk to the Rasa server (the chat window on the intranet).
CORS_ORIGINS = os.getenv("GUIDANCE_CORS_ORIGINS", "").split()
# Origins whose pages may show chat.html in a frame (a SharePoint Embed web part); none by default.
FRAME_ANCESTORS = os.getenv("GUIDANCE_FRAME_ANCESTORS", "").split()
# Bodies above this get 413; a question needs far less (messages are cut at 5,000 characters).
SANIC_REQUEST_MAX_SIZE = os.getenv("SANIC_REQUEST_MAX_SIZE", "1000000")
# Open chat windows hold long-polls: don't wait 15 s for them when stopping.
SANIC_GRACEFUL_SHUTDOWN_TIMEOUT = os.getenv("SANIC_GRACEFUL_SHUTDOWN_TIMEOUT", "3")
RETENTION_DAYS = float(os.getenv("GUIDANCE_RETENTION_DAYS", "30"))
# The cluster (`make run-cluster`, ops/cluster.py): nginx's port, how many Rasa servers, and the
# shared stores (installed and started locally when these are not set).
CLUSTER_PORT = int(os.getenv("CLUSTER_PORT", "8090"))
CLUSTER_REPLICAS = int(os.getenv("CLUSTER_REPLICAS", "2"))
DATABASE_URL_SET = bool(os.getenv("DATABASE_URL"))
DATABASE_URL = os.getenv(
    "DATABASE_URL", "postgresql://postgres:guidance-local@127.0.0.1:5432/guidance"
)
REDIS_URL_SET = bool(os.getenv("REDIS_URL"))
REDIS_URL = os.getenv("REDIS_URL", "redis://127.0.0.1:6379/1")
