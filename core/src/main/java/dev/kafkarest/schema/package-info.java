/**
 * Schema formats (avro, jsonschema, protobuf) over a Confluent-compatible Schema Registry.
 *
 * <p>Configuration, all optional except the URL:
 * <ul>
 *   <li>{@code schema.registry.url}: one or more comma-separated http(s) URLs; on a connection failure the next
 *       one is tried. Unset or blank: no registry, and the schema formats answer 422/42206.</li>
 *   <li>{@code schema.registry.request.timeout.ms} (5000): bound of each registry call.</li>
 *   <li>{@code schema.registry.basic.auth.credentials.source} (USER_INFO) and
 *       {@code schema.registry.basic.auth.user.info} ("user:password"): HTTP Basic auth.</li>
 *   <li>{@code schema.registry.ssl.truststore.location}, {@code .password}, {@code .type} (JKS): a private CA.</li>
 *   <li>{@code schema.registry.cache.size} (1000): entries per cache (ids, subject look-ups, parsed schemas).</li>
 *   <li>{@code schema.registry.key.subject.name.strategy}, {@code schema.registry.value.subject.name.strategy}
 *       (TopicNameStrategy): TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy.</li>
 * </ul>
 *
 * <p>Records use Confluent's wire
 * format: magic byte 0, big-endian schema id, for protobuf the message-index path, then the payload.
 */
package dev.kafkarest.schema;
