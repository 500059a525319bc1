FROM debian:12.7-slim
ENV LANG C.UTF-8
ENV PATH /opt/app/bin:$PATH
LABEL description "legacy label form"
ENV A=1 B=${A}/x
ENV QUOTED="hello world" ESCAPED=hello\ world SINGLE='$literal'
USER daemon
