package io.otpstream.launcher.config;

/**
 * A command whose options say what to do this once (a query, an output format), not how a service
 * is configured: they take no default from the environment ({@link EnvDefaults}), so a stray {@code
 * OTP_APP} cannot change what {@code --app} asks for. The marker holds for the command's
 * subcommands too.
 */
public interface CommandLineOnly {}
