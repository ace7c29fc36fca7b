# TGraph Bot for Docker / Unraid. Configuration and data live in the /config volume.
# Pinned to a patch release; another base (a mirror, a local stand-in) with --build-arg.
ARG PYTHON_IMAGE=python:3.13.9-slim
FROM ${PYTHON_IMAGE}

# tini as PID 1: it forwards `docker stop`'s SIGTERM to the bot and reaps the renderer's
# worker processes (Python as PID 1 would get neither right by default).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

# TGRAPH_WAIT_FOR_CONFIG: with no config.yml (or one still missing DISCORD_TOKEN, ...) `run`
# writes the sample and waits, health "unhealthy" with the reason, and starts by itself once
# the file is filled in: one clear state under any restart policy, never a restart loop.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    TGRAPH_CONFIG=/config/config.yml \
    TGRAPH_WAIT_FOR_CONFIG=1

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt
COPY pyproject.toml README.md LICENSE hatch_build.py config.yml.sample ./
COPY src ./src
# Building the wheel compiles the translations (.po -> .mo) and packs config.yml.sample,
# which the first start copies into an empty /config.
RUN pip install --no-cache-dir --no-deps --no-build-isolation . && rm -rf /app/src /app/build

# Unraid's nobody:users, so the files in appdata stay editable from the host. Another user:
# `docker run --user UID:GID` (compose `user:`, Unraid's Extra Parameters). The image never
# changes the owner of anything: on a file or folder it may not use (one a root-run image
# left, a :ro volume) the bot stops with one line naming the chown, chmod or remount to run.
USER 99:100
# DATA_DIR (default "data") is relative to the configuration file's folder: /config/data.
WORKDIR /config
VOLUME ["/config"]
STOPSIGNAL SIGTERM
# Healthy = the running bot's heartbeat (DATA_DIR/heartbeat.json) is fresh and it is
# connected to Discord; otherwise one line says why (waiting for config.yml, not connected...).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["tgraph-bot", "health"]
ENTRYPOINT ["tini", "--", "tgraph-bot"]
CMD ["run"]
