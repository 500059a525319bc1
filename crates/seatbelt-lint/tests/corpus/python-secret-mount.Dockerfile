# syntax=docker/dockerfile:1
FROM python:3.12-alpine
RUN --mount=type=secret,id=pip_conf,target=/etc/pip.conf \
    pip install --no-cache-dir internal-sdk==2.4.1
RUN --mount=type=secret,id=token,env=API_TOKEN \
    python -c "import os; assert os.environ['API_TOKEN']"
USER guest
ENTRYPOINT ["python", "-m", "internal_sdk"]
