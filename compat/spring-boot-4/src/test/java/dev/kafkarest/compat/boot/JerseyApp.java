package dev.kafkarest.compat.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jersey.autoconfigure.ResourceConfigCustomizer;
import org.springframework.context.annotation.Bean;

/** A Boot application on the Jersey starter: the proxy joins the host's ResourceConfig at sub-path kafka. */
@SpringBootConfiguration
@EnableAutoConfiguration
class JerseyApp {
  /** The host's own Jersey application; Boot's Jersey auto-configuration starts only when there is one. */
  @Bean
  ResourceConfig resourceConfig() {
    // Without this, Jersey holds back a stream's answer lines until 8 KiB of them (README: v3 produce).
    return new ResourceConfig(HelloResource.class).property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
  }

  @Bean
  ResourceConfigCustomizer kafkaRestFeature(KafkaRest kafkaRest) {
    return config -> config.register(KafkaRestFeature.builder(kafkaRest).path("kafka").build());
  }
}
