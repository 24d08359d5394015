package dev.kafkarest.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web application with the proxy under {@code /kafka}:
 * {@code java -jar kafka-rest-example-spring-boot.jar --kafka.rest.bootstrap.servers=broker:9092}.
 * Everything it adds to a plain Boot application is in {@link KafkaRestConfiguration}.
 */
@SpringBootApplication
public class KafkaRestBootExample {
  public static void main(String[] args) {
    SpringApplication.run(KafkaRestBootExample.class, args);
  }
}
