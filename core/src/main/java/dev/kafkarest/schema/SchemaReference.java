package dev.kafkarest.schema;

/** A registry schema reference: the import {@code name} inside the schema, and where the imported schema lives. */
public record SchemaReference(String name, String subject, int version) {}
