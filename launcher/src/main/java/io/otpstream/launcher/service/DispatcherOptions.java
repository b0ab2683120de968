package io.otpstream.launcher.service;

import io.otpstream.api.health.HealthChecks;
import io.otpstream.common.metrics.ServiceMetrics;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.launcher.config.Checked;
import io.otpstream.launcher.ops.GracefulStop;
import io.otpstream.launcher.ops.OpsServer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of both dispatcher commands, and how a dispatcher runs. */
final class DispatcherOptions {
  @Mixin ServiceOptions service;

  @Option(
      names = "--health-port",
      converter = Checked.Port.class,
      defaultValue = "8081",
      description =
          "Port of /health/live, /health/ready and /metrics, 0 for any (default: ${DEFAULT-VALUE}).")
  int healthPort;

  /**
   * Starts a dispatcher with its health and metrics server and runs it until the process is
   * stopped.
   */
  Integer serve(ChannelDispatcher d, ServiceMetrics metrics) throws InterruptedException {
    d.start();
    OpsServer ops =
        OpsServer.start(
            healthPort,
            HealthChecks.of("worker", d::alive),
            HealthChecks.of("consumer_joined", d::ready),
            metrics);
    return GracefulStop.runUntilStopped(service.stopTimeout(), d, ops, metrics);
  }
}
