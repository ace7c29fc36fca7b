# TGraph Bot for Docker / Unraid. Configuration and data live in the /config volume.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    TGRAPH_CONFIG=/config/config.yml

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt
COPY pyproject.toml README.md LICENSE hatch_build.py config.yml.sample ./
COPY src ./src
# Building the wheel compiles the translations (.po -> .mo).
RUN pip install --no-cache-dir --no-deps --no-build-isolation . && rm -rf /app/src

# DATA_DIR (default "data") is relative to the working directory: /config/data.
WORKDIR /config
VOLUME ["/config"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tgraph-bot"]
CMD ["run"]
