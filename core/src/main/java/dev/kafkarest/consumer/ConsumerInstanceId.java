package dev.kafkarest.consumer;

/** A consumer instance is named by its group and its name within the group. */
public record ConsumerInstanceId(String group, String name) {}
