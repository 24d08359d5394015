package dev.kafkarest.consumer;

/** The bounds of one records read: how long it may wait, and how many bytes it may return and should wait for. */
record ReadLimits(long timeoutMs, long maxBytes, long minBytes) {}
