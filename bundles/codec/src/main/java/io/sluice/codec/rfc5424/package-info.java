/**
 * The RFC 5424 syslog parser, {@link io.sluice.codec.rfc5424.Rfc5424Parser}. Internal to the codec
 * bundle: other bundles get parsers through {@link io.sluice.api.codec.ParserFactory} services.
 */
package io.sluice.codec.rfc5424;
