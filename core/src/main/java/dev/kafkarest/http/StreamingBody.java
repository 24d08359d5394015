package dev.kafkarest.http;

/**
 * A body that is written for as long as a stream lasts (v3 streaming produce): {@link #writeTo} reads the rest of
 * the request and writes answers as they come, so it blocks. A binding must not call it on a container thread:
 * it hands its writing code to {@link #dispatch}, which runs it on a thread the proxy owns and bounds, and
 * returns at once (the binding has put the request in async mode first).
 */
public interface StreamingBody extends Body {
  void dispatch(Runnable writer);
}
