package dev.kafkarest.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;

/** Reading and changing topic and broker configs (with synonyms, for v3), shared by v2 and v3. */
public final class ConfigAdmin {
  private final Admin admin;

  public ConfigAdmin(Admin admin) {
    this.admin = admin;
  }

  public static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  /** One broker's configs; an empty name stands for the cluster-wide dynamic defaults. */
  public static ConfigResource broker(String id) {
    return new ConfigResource(ConfigResource.Type.BROKER, id);
  }

  public CompletionStage<Config> describe(ConfigResource resource) {
    return admin.describeConfigs(Set.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
        .values().get(resource).toCompletionStage();
  }

  public CompletionStage<Map<ConfigResource, Config>> describe(Collection<ConfigResource> resources) {
    return admin.describeConfigs(resources, new DescribeConfigsOptions().includeSynonyms(true))
        .all().toCompletionStage();
  }

  public CompletionStage<Void> alter(ConfigResource resource, List<AlterConfigOp> ops, boolean validateOnly) {
    return admin.incrementalAlterConfigs(Map.of(resource, ops), new AlterConfigsOptions().validateOnly(validateOnly))
        .all().toCompletionStage();
  }
}
