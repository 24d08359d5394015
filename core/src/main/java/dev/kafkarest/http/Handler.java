package dev.kafkarest.http;

import java.util.concurrent.CompletionStage;

/** One endpoint. It may throw: the facade maps every exception to a proper error answer. */
@FunctionalInterface
public interface Handler {
  CompletionStage<RestResponse> handle(RestRequest request, PathParams params) throws Exception;
}
