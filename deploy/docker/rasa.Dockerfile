# The Rasa server with the model baked in. The model is the one `make train` built and
# `make test` and `make evaluate` checked, copied, not trained again here: a second training
# would ship a model nobody evaluated. Build from the repository root after `make train`:
#   docker build -f deploy/docker/rasa.Dockerfile -t guidance-assistant/rasa:VERSION .
# The same image runs the purge: --entrypoint python ... -m ops.purge (deploy/kubernetes/purge.yaml).

FROM python:3.10.15-slim-bookworm AS dependencies
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/server.txt requirements/constraints.txt /tmp/requirements/
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r /tmp/requirements/server.txt -c /tmp/requirements/constraints.txt \
 && /opt/venv/bin/pip check

FROM python:3.10.15-slim-bookworm
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app
# Code and model stay owned by root: the server's user can read them, not change them.
COPY actions/ actions/
COPY channels/ channels/
COPY components/ components/
COPY privacy/ privacy/
COPY stores/ stores/
COPY ops/ ops/
COPY data/guidance/ data/guidance/
# Defaults for a plain `docker run` (SQLite in the volume below, the action server on the
# pod's localhost); Kubernetes mounts its ConfigMap over config/.
COPY endpoints.yml credentials.yml config/
COPY models/guidance-assistant.tar.gz models/guidance-assistant.tar.gz
RUN python -m compileall -q actions channels components privacy ops \
 && mkdir var && chown 1001:0 var
VOLUME /app/var

ENV PATH=/opt/venv/bin:$PATH \
    HOME=/tmp \
    ENDPOINTS=config/endpoints.yml \
    PYTHONUNBUFFERED=1 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SANIC_REQUEST_MAX_SIZE=1000000 \
    SANIC_GRACEFUL_SHUTDOWN_TIMEOUT=3
USER 1001
EXPOSE 5005
# Kubernetes probes the REST channel (deploy/kubernetes/rasa.yaml); this is for plain Docker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/webhooks/rest/', timeout=4)"]
ENTRYPOINT ["rasa"]
CMD ["run", "--model", "models/guidance-assistant.tar.gz", "--endpoints", "config/endpoints.yml", \
     "--credentials", "config/credentials.yml", "--port", "5005"]
