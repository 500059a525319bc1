FROM gradle:8.10-jdk21-alpine AS build
WORKDIR /home/gradle/project
COPY --chown=gradle:gradle . .
RUN gradle buildFatJar --no-daemon

FROM amazoncorretto:21-alpine
RUN addgroup -S ktor && adduser -S -G ktor ktor
COPY --from=build /home/gradle/project/build/libs/*-all.jar /app/ktor.jar
USER ktor
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/ktor.jar"]
