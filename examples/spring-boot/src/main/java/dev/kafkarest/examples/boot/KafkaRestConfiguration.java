package dev.kafkarest.examples.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The proxy, configured from the {@code kafka.rest.*} Spring properties, and its servlet under /kafka/*. */
@Configuration(proxyBeanMethods = false)
public class KafkaRestConfiguration {
  static final String PREFIX = "kafka.rest";
  static final String BOOTSTRAP_SERVERS = PREFIX + ".bootstrap.servers";

  /** Spring closes the proxy on shutdown, after the web server has stopped. A proxy already given is kept. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KafkaRest kafkaRest(Environment environment) {
    return KafkaRest.create(KafkaRestConfig.fromProperties(proxyProperties(environment)));
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
