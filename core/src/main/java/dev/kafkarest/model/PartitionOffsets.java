package dev.kafkarest.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** v2 {@code GET .../partitions/{p}/offsets}: first offset and next offset to be written. */
public record PartitionOffsets(@JsonProperty("beginning_offset") long beginningOffset,
                               @JsonProperty("end_offset") long endOffset) {}
