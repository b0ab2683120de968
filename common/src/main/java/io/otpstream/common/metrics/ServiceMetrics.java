package io.otpstream.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The meters of one process, in the Prometheus text format at {@code /metrics}: the JVM's (memory,
 * GC, threads, class loading, CPU, uptime) from the start, and whatever the services of the process
 * bind to {@link #registry()}. Every meter carries the tag {@code service} (api, processor,
 * dispatcher-sms, dispatcher-email, or dev when everything runs in one process). Labels stay
 * bounded: never a subject, phone, email, session, request or app id.
 */
public final class ServiceMetrics implements AutoCloseable {
  /** The Prometheus text exposition format (0.0.4), what every Prometheus server reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  public ServiceMetrics(String service) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** Where the services of this process register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter, as Prometheus scrapes it. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
