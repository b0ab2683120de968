package io.otpstream.bench.dispatch;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The CPU time this whole process has used so far (broker, dispatcher, servers, all threads). */
final class ProcessCpuTime {
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProcessCpuTime() {}

  static long nanos() {
    return OS.getProcessCpuTime();
  }
}
