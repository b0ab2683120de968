package io.otpstream.dispatcher.sms.smpp;

import java.util.Set;
import org.jsmpp.SMPPConstant;

/**
 * SMPP 3.4 {@code command_status} values of a refused {@code submit_sm}: which are permanent, and
 * their names.
 */
final class CommandStatus {
  /**
   * Refusals that the same submit_sm will meet again: not retried. Any other status is transient.
   */
  private static final Set<Integer> PERMANENT =
      Set.of(
          SMPPConstant.STAT_ESME_RINVMSGLEN,
          SMPPConstant.STAT_ESME_RINVCMDLEN,
          SMPPConstant.STAT_ESME_RINVCMDID,
          SMPPConstant.STAT_ESME_RINVPRTFLG,
          SMPPConstant.STAT_ESME_RINVREGDLVFLG,
          SMPPConstant.STAT_ESME_RINVSRCADR,
          SMPPConstant.STAT_ESME_RINVDSTADR,
          SMPPConstant.STAT_ESME_RINVSERTYP,
          SMPPConstant.STAT_ESME_RINVESMCLASS,
          SMPPConstant.STAT_ESME_RINVSRCTON,
          SMPPConstant.STAT_ESME_RINVSRCNPI,
          SMPPConstant.STAT_ESME_RINVDSTTON,
          SMPPConstant.STAT_ESME_RINVDSTNPI,
          SMPPConstant.STAT_ESME_RINVSCHED,
          SMPPConstant.STAT_ESME_RINVEXPIRY,
          SMPPConstant.STAT_ESME_RINVDFTMSGID,
          SMPPConstant.STAT_ESME_RX_P_APPN,
          SMPPConstant.STAT_ESME_RX_R_APPN,
          SMPPConstant.STAT_ESME_RINVTLVSTREAM,
          SMPPConstant.STAT_ESME_RTLVNOTALLWD,
          SMPPConstant.STAT_ESME_RINVTLVLEN,
          SMPPConstant.STAT_ESME_RMISSINGTLV,
          SMPPConstant.STAT_ESME_RINVTLVVAL,
          SMPPConstant.STAT_ESME_RINVDCS,
          SMPPConstant.STAT_ESME_RSERTYPUNAUTH,
          SMPPConstant.STAT_ESME_RPROHIBITED,
          SMPPConstant.STAT_ESME_RSERTYPDENIED,
          SMPPConstant.STAT_ESME_RINVSRCADDRSUBUNIT,
          SMPPConstant.STAT_ESME_RINVDSTADDRSUBUNIT);

  private CommandStatus() {}

  static boolean permanent(int status) {
    return PERMANENT.contains(status);
  }

  /**
   * A command_status with its SMPP name where it is a common one, e.g. {@code ESME_RINVDSTADR
   * (0x0000000b)}.
   */
  static String name(int status) {
    String name =
        switch (status) {
          case SMPPConstant.STAT_ESME_RINVMSGLEN -> "ESME_RINVMSGLEN";
          case SMPPConstant.STAT_ESME_RSYSERR -> "ESME_RSYSERR";
          case SMPPConstant.STAT_ESME_RINVSRCADR -> "ESME_RINVSRCADR";
          case SMPPConstant.STAT_ESME_RINVDSTADR -> "ESME_RINVDSTADR";
          case SMPPConstant.STAT_ESME_RINVBNDSTS -> "ESME_RINVBNDSTS";
          case SMPPConstant.STAT_ESME_RMSGQFUL -> "ESME_RMSGQFUL";
          case SMPPConstant.STAT_ESME_RSUBMITFAIL -> "ESME_RSUBMITFAIL";
          case SMPPConstant.STAT_ESME_RINVSRCTON -> "ESME_RINVSRCTON";
          case SMPPConstant.STAT_ESME_RINVSRCNPI -> "ESME_RINVSRCNPI";
          case SMPPConstant.STAT_ESME_RINVDSTTON -> "ESME_RINVDSTTON";
          case SMPPConstant.STAT_ESME_RINVDSTNPI -> "ESME_RINVDSTNPI";
          case SMPPConstant.STAT_ESME_RTHROTTLED -> "ESME_RTHROTTLED";
          case SMPPConstant.STAT_ESME_RX_T_APPN -> "ESME_RX_T_APPN";
          case SMPPConstant.STAT_ESME_RX_P_APPN -> "ESME_RX_P_APPN";
          case SMPPConstant.STAT_ESME_RX_R_APPN -> "ESME_RX_R_APPN";
          case SMPPConstant.STAT_ESME_RINVDCS -> "ESME_RINVDCS";
          default -> null;
        };
    String hex = String.format("0x%08x", status);
    return name == null ? hex : name + " (" + hex + ")";
  }
}
