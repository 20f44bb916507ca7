/* NTP timestamps (32.32 fixed point seconds since 1900): what a user types, and dates as tshark shows them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses a timestamp as Scapy's NTP fields take it: seconds since 1900 as
 * an integer ("3900000000") or a decimal fraction ("3900000000.25",
 * computed in double precision as Scapy does), or a UTC date, either as
 * craft and tshark show one ("Aug  2, 2023 21:20:00.500000000 UTC"), as
 * Scapy parses one ("Wed Aug  2 21:20:00 2023"), or ISO 8601
 * ("2023-08-02T21:20:00.5Z"); "NULL" is 0. Dates from 2036-02-07 06:28:16
 * on are in NTP era 1 (RFC 5905), as Wireshark reads them. */
gboolean craft__ntp_time_parse (const char *text, guint64 *out, GError **error);

/* Appends the timestamp as tshark shows it: "Aug  2, 2023 21:20:00.500000000
 * UTC", "NULL" for 0 and for 1970-01-01 00:00:00, as tshark. Seconds below
 * 2^31 are in era 1 (from 2036 on). */
void craft__ntp_time_format (guint64 value, GString *out);

/* The current time as an NTP timestamp; from 2036 on, in era 1 (the seconds wrap). */
guint64 craft__ntp_time_now (void);

G_END_DECLS
