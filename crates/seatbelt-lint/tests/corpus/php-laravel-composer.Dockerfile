FROM composer:2.7 AS vendor
WORKDIR /app
COPY composer.json composer.lock ./
RUN composer install --no-dev --no-scripts --prefer-dist --no-interaction

FROM php:8.2-fpm-bookworm
RUN apt-get update \
  && apt-get install -y --no-install-recommends libzip-dev=1.7.3-1+b1 unzip=6.0-28 \
  && docker-php-ext-install zip pdo_mysql \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /var/www/html
COPY --from=vendor /app/vendor ./vendor
COPY --chown=www-data:www-data . .
USER www-data
CMD ["php-fpm"]
