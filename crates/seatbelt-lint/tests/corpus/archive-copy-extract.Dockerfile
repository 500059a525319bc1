FROM debian:12-slim
# Archives copied, then extracted in a later RUN: ADD would extract them in one layer.
COPY vendor/jdk-21.0.3.tar.gz /tmp/
RUN mkdir -p /opt/jdk \
 && tar -xzf /tmp/jdk-21.0.3.tar.gz -C /opt/jdk --strip-components=1 \
 && rm /tmp/jdk-21.0.3.tar.gz
COPY ["vendor/maven-3.9.8-bin.tar", "/tmp/maven.tar"]
RUN tar --extract --file /tmp/maven.tar -C /opt && rm /tmp/maven.tar
COPY data/seed.sql.gz /docker-entrypoint-initdb.d/
RUN gunzip /docker-entrypoint-initdb.d/seed.sql.gz
# A zip: ADD does not extract zips, so COPY + unzip is right.
COPY vendor/fonts.zip /tmp/
RUN apt-get update && apt-get install -y --no-install-recommends unzip=6.0-28 \
 && unzip /tmp/fonts.zip -d /usr/share/fonts && rm -rf /var/lib/apt/lists/* /tmp/fonts.zip
# Copied but never extracted: served as a download.
COPY dist/app-1.0.tar.gz /srv/downloads/
USER 1000
