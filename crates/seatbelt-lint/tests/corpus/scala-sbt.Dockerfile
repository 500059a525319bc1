FROM sbtscala/scala-sbt:eclipse-temurin-21.0.4_7_1.10.2_3.5.1 AS build
WORKDIR /build
COPY build.sbt .
COPY project project
RUN sbt update
COPY src src
RUN sbt stage

FROM eclipse-temurin:21-jre-alpine
COPY --from=build /build/target/universal/stage /opt/app
USER 1000
CMD ["/opt/app/bin/app"]
