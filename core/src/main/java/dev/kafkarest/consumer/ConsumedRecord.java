package dev.kafkarest.consumer;

import dev.kafkarest.format.DecodedValue;

/** A record ready for the records answer: its key and value already decoded into their JSON forms. */
public record ConsumedRecord(String topic, DecodedValue key, DecodedValue value, int partition, long offset) {}
