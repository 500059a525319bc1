FROM python:3.12-slim
COPY app.py app/
COPY requirements.txt /tmp/requirements.txt
WORKDIR /srv
COPY config.yaml config/
USER 1000
