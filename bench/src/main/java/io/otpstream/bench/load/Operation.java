package io.otpstream.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * One unit of load: one HTTP request, or a short chain of them (a send and then its verify). It
 * completes with the HTTP status that decides its outcome (the first non-2xx of a chain, else the
 * last one), or exceptionally when no answer came (timeout, refused connection).
 */
@FunctionalInterface
public interface Operation {
  /** Starts the operation number {@code seq} (0, 1, 2... within one load step) without blocking. */
  CompletableFuture<Integer> start(long seq);
}
