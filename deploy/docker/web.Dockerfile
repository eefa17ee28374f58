# The chat window's pages (ops/web_server.py), standard library only. Build from the repository
# root after `make web` (socket.io-client from node_modules, pinned by package-lock.json):
#   docker build -f deploy/docker/web.Dockerfile -t guidance-assistant/web:VERSION .
# Run with --public-url and --rasa-url set to the address browsers use (deploy/kubernetes/web.yaml).

FROM python:3.10.15-slim-bookworm
WORKDIR /app
COPY ops/__init__.py ops/paths.py ops/settings.py ops/web_server.py ops/
COPY web/ web/
COPY node_modules/socket.io-client/dist/socket.io.esm.min.js node_modules/socket.io-client/dist/
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/chat.html', timeout=4)"]
ENTRYPOINT ["python", "-m", "ops.web_server"]
CMD ["--host", "0.0.0.0", "--port", "8080"]
