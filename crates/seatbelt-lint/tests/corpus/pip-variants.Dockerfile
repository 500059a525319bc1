FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --no-cache-dir .
RUN pip3 install --no-cache-dir "django>=5.0,<5.1" numpy==2.1.1
RUN python3 -m pip install --upgrade pip
RUN pip install --no-cache-dir git+https://github.com/example/lib.git@v1.2.3
RUN pip install --no-cache-dir ./wheels/pkg-1.0-py3-none-any.whl
RUN PIP_NO_CACHE_DIR=1 pip install --constraint constraints.txt celery
USER 1000
