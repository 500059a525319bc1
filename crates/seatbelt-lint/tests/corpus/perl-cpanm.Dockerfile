FROM perl:5.40-slim
RUN cpanm --notest Mojolicious@9.38
COPY app.pl /app/app.pl
USER nobody
CMD ["perl", "/app/app.pl", "daemon"]
