package dev.kafkarest.model;

import java.util.List;
import java.util.Map;

/** v2 {@code GET /topics/{topic}}: name, every topic config (defaults included) and the partitions. */
public record TopicInfo(String name, Map<String, String> configs, List<PartitionInfo> partitions) {}
