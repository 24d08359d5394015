package dev.kafkarest.schema;

import dev.kafkarest.format.EmbeddedFormat;

/**
 * A schema chosen for one key or value of a v3 produce request: where it is registered (subject, id, version),
 * for the answer, and its parsed form, for {@link SchemaFormat#encode(BoundSchema, com.fasterxml.jackson.databind.JsonNode)}.
 */
public record BoundSchema(EmbeddedFormat format, String subject, int id, int version, Object parsed) {}
