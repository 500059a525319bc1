FROM python:3.12-slim
ENV DATABASE_PASSWORD=hunter2 \
    DEBUG=false
ARG AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
ARG AWS_SECRET_ACCESS_KEY
LABEL maintainer.token="ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"
COPY . /app
CMD ["python", "/app/main.py"]
