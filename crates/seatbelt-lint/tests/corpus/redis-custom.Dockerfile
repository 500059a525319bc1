FROM redis:7.4.1-alpine
COPY redis.conf /usr/local/etc/redis/redis.conf
ENV REDIS_PASSWORD=changeme
USER redis
CMD [ "redis-server", "/usr/local/etc/redis/redis.conf" ]
