FROM python:3.11-slim AS build
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir --upgrade pip==24.2
COPY requirements.txt /requirements.txt
RUN /venv/bin/pip install --no-cache-dir -r /requirements.txt

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /venv /venv
COPY app /app
WORKDIR /app
ENTRYPOINT ["/venv/bin/python3", "main.py"]
