# The processor service. Build the jar first: mvn -DskipTests install
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY launcher/target/otpstream.jar /app/otpstream.jar
RUN mkdir -p /var/lib/otpstream
ENTRYPOINT ["java", "-jar", "/app/otpstream.jar", "processor"]
