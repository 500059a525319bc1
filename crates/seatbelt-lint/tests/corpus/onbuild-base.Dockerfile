FROM python:3.12-slim
RUN useradd -m app
WORKDIR /home/app
ONBUILD COPY requirements.txt /home/app/
ONBUILD RUN pip install --no-cache-dir -r requirements.txt
ONBUILD COPY . /home/app/
USER app
