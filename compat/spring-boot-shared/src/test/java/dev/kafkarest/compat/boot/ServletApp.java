package dev.kafkarest.compat.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/** A Boot web application with the servlet registered as the README shows. No component scan: one app per test. */
@SpringBootConfiguration
@EnableAutoConfiguration
class ServletApp {
  @Bean
  ServletRegistrationBean<KafkaRestServlet> kafkaRestServlet(KafkaRest kafkaRest) {
    ServletRegistrationBean<KafkaRestServlet> kafka =
        new ServletRegistrationBean<>(new KafkaRestServlet(kafkaRest), "/kafka/*");
    kafka.setAsyncSupported(true);
    kafka.setLoadOnStartup(1);
    return kafka;
  }
}
