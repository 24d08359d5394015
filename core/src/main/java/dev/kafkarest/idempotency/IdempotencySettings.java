package dev.kafkarest.idempotency;

import dev.kafkarest.KafkaRestConfig;
import java.util.UUID;

/**
 * The settings of keyed produce, read from {@link KafkaRestConfig}.
 *
 * @param requestTimeoutMs the bound of a keyed request (waiting for the marker topic, producing, committing); a
 *     claim older than this may be taken over by a retry, which first fences the claim's producer
 * @param transactionalIdPrefix the stable prefix of this node's transactional ids: the config's {@code id} when set
 */
public record IdempotencySettings(long retentionMs, long requestTimeoutMs, String topic, int partitions,
                                  int replicationFactor, int producers, String transactionalIdPrefix,
                                  long transactionTimeoutMs) {
  public static IdempotencySettings of(KafkaRestConfig config) {
    String topic = config.get(KafkaRestConfig.IDEMPOTENCY_TOPIC);
    String prefix = config.get(KafkaRestConfig.IDEMPOTENCY_TRANSACTIONAL_ID_PREFIX);
    if (prefix == null || prefix.isBlank()) {
      String id = config.get(KafkaRestConfig.ID);
      // Without a stable id a restarted node cannot abort its old transactions itself (the broker still does,
      // after transaction.timeout.ms, and a retry fences them): set "id" per node in production.
      prefix = "kafka-rest-" + (id == null || id.isBlank() ? UUID.randomUUID() : id);
    }
    return new IdempotencySettings(
        config.getLong(KafkaRestConfig.IDEMPOTENCY_RETENTION_MS),
        config.getLong(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS),
        topic == null || topic.isBlank() ? "_kafka_rest_idempotency" : topic,
        config.getInt(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS),
        config.getInt(KafkaRestConfig.IDEMPOTENCY_TOPIC_REPLICATION_FACTOR),
        config.getInt(KafkaRestConfig.IDEMPOTENCY_PRODUCERS),
        prefix,
        config.getLong(KafkaRestConfig.IDEMPOTENCY_TRANSACTION_TIMEOUT_MS));
  }
}
