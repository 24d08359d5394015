package dev.kafkarest.examples.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.metrics.MicrometerMetrics;
import dev.kafkarest.servlet.KafkaRestServlet;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Properties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The proxy, configured from the {@code kafka.rest.*} Spring properties, and its servlet under /kafka/*. */
@Configuration(proxyBeanMethods = false)
public class KafkaRestConfiguration {
  static final String PREFIX = "kafka.rest";
  static final String BOOTSTRAP_SERVERS = PREFIX + ".bootstrap.servers";

  /**
   * Spring closes the proxy on shutdown, after the web server has stopped. A proxy already given is kept. Its
   * meters go to Boot's MeterRegistry (Actuator makes one), under kafka.rest.* and kafka.producer/consumer/admin.*.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KafkaRest kafkaRest(Environment environment, ObjectProvider<MeterRegistry> meterRegistry) {
    KafkaRest.Builder proxy = KafkaRest.builder(KafkaRestConfig.fromProperties(proxyProperties(environment)));
    meterRegistry.ifAvailable(registry -> proxy.metrics(MicrometerMetrics.of(registry)));
    return proxy.build();
  }

  /**
   * The proxy's health on Actuator's health page as component {@code kafkaRest}: down when Kafka (or the Schema
   * Registry, when configured) does not answer within health.timeout.ms, or while the proxy closes.
   */
  @Bean
  HealthIndicator kafkaRestHealthIndicator(KafkaRest kafkaRest) {
    return () -> {
      dev.kafkarest.health.Health health = kafkaRest.health();
      Health.Builder answer = health.isUp() ? Health.up() : Health.down();
      health.components().forEach((name, component) -> answer.withDetail(name,
          Map.of("status", component.status().name(), "details", component.details())));
      return answer.build();
    };
  }

  @Bean
  ServletRegistrationBean<KafkaRestServlet> kafkaRestServlet(KafkaRest kafkaRest) {
    ServletRegistrationBean<KafkaRestServlet> kafka =
        new ServletRegistrationBean<>(new KafkaRestServlet(kafkaRest), "/kafka/*");
    kafka.setAsyncSupported(true); // long polls and produces wait without holding a Tomcat thread
    kafka.setLoadOnStartup(1);
    return kafka;
  }

  /**
   * Every {@code kafka.rest.<key>} property (application.properties, command line, environment) as proxy key
   * {@code <key>}. Without brokers it fails at start-up, and Boot's failure report names the property to set.
   */
  static Properties proxyProperties(Environment environment) {
    Map<String, String> keys = Binder.get(environment)
        .bind(PREFIX, Bindable.mapOf(String.class, String.class))
        .orElse(Map.of());
    if (keys.get("bootstrap.servers") == null || keys.get("bootstrap.servers").isBlank()) {
      throw new InvalidConfigurationPropertyValueException(BOOTSTRAP_SERVERS, null,
          "The proxy needs your Kafka brokers: start with --" + BOOTSTRAP_SERVERS + "=host:9092");
    }
    Properties properties = new Properties();
    properties.putAll(keys);
    return properties;
  }
}
