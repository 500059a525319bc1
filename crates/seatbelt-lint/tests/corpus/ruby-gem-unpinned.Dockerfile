FROM ruby:3.2
RUN gem install bundler rake
RUN gem install rails -v 7.1.4
WORKDIR /app
COPY . /app
RUN bundle install
CMD ["rackup"]
