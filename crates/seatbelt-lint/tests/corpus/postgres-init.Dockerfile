FROM postgres:16.4-bookworm
ENV POSTGRES_DB=app
ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password
COPY initdb/*.sql /docker-entrypoint-initdb.d/
USER postgres
