package io.otpstream.api.otp;

import io.otpstream.schemas.common.Channel;

/** A code the user typed, for one channel; it leaves the api only as a keyed MAC. */
public record EnteredCode(Channel channel, String code) {}
