FROM ubuntu:24.04
RUN service nginx start
RUN ps aux && free -m
RUN vim --version
USER 1000
