package io.otpstream.dispatcher.provider;

/**
 * What a provider's send reports: which provider sent the message (a fallback pair names the one
 * that did) and the id that provider gave it, or null when it gives none. The id is what a later
 * delivery receipt refers to; the name is recorded on the SENT status.
 */
public record Sent(String providerName, String messageId) {}
