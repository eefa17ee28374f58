# The action server: the SDK and the knowledge base (data/guidance), without Rasa itself.
# Build from the repository root:
#   docker build -f deploy/docker/actions.Dockerfile -t guidance-assistant/actions:VERSION .

FROM python:3.10.15-slim-bookworm AS dependencies
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/actions.txt requirements/constraints.txt /tmp/requirements/
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r /tmp/requirements/actions.txt -c /tmp/requirements/constraints.txt \
 && /opt/venv/bin/pip check

FROM python:3.10.15-slim-bookworm
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app
COPY actions/ actions/
COPY data/guidance/ data/guidance/
RUN python -m compileall -q actions

ENV PATH=/opt/venv/bin:$PATH \
    HOME=/tmp \
    PYTHONUNBUFFERED=1
USER 1001
EXPOSE 5055
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
ENTRYPOINT ["python", "-m", "rasa_sdk"]
CMD ["--actions", "actions", "--port", "5055"]
