FROM debian:12.7-slim
RUN useradd -u 1000000 -m bigid
RUN useradd --no-log-init -u 2000000 other
RUN useradd -l -u 3000000 third
RUN groupadd -g 4000000 grp && useradd -u 4000000 -g grp fourth
USER bigid
