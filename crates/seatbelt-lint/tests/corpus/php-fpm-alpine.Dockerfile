FROM php:8.3-fpm-alpine3.20
RUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS=1 \
    && pecl install redis-6.0.2 \
    && docker-php-ext-enable redis \
    && apk del .build-deps
WORKDIR /var/www
COPY --chown=www-data:www-data . .
USER www-data
EXPOSE 9000
CMD ["php-fpm"]
