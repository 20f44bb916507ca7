/* NTP timestamps (32.32 fixed point seconds since 1900): what a user types, and dates as tshark shows them. */
#include "ntp-time.h"

#include <craft/error.h>

#include <stdio.h>
#include <string.h>

/* Seconds from 1900-01-01 to 1970-01-01 (RFC 5905 figure 4). */
#define NTP_UNIX_OFFSET G_GINT64_CONSTANT (2208988800)
#define NTP_ERA_SECONDS (G_GINT64_CONSTANT (1) << 32)
#define NTP_FRACTION 4294967296.0

static gboolean
too_late (const char *text, GError **error)
{
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
               "'%s' is outside what an NTP timestamp holds (1968-01-20 to 2104-02-26, or 0 to 4294967295 seconds "
               "since 1900)",
               text);
  return FALSE;
}

/* Seconds since 1970 (and a fraction of a second) as a timestamp, era 1
 * from 2036 on, as Wireshark reads a timestamp below 2^31. */
static gboolean
from_unix (const char *text, gint64 unix_seconds, double fraction, guint64 *out, GError **error)
{
  gint64 seconds = unix_seconds + NTP_UNIX_OFFSET;
  /* Era 0 holds 1968-01-20 03:14:08 (2^31) to 2036; era 1 its first half. */
  if (seconds >= NTP_ERA_SECONDS)
    seconds -= NTP_ERA_SECONDS;
  else if (seconds < G_GINT64_CONSTANT (0x80000000))
    return too_late (text, error);
  if (seconds >= G_GINT64_CONSTANT (0x80000000) && unix_seconds + NTP_UNIX_OFFSET >= NTP_ERA_SECONDS)
    return too_late (text, error);
  *out = (guint64) seconds << 32 | (guint64) (fraction * NTP_FRACTION);
  return TRUE;
}

static gboolean
not_a_time (const char *text, GError **error)
{
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
               "'%s' is not an NTP time: give seconds since 1900 (3900000000 or 3900000000.25) or a UTC date "
               "(\"Aug  2, 2023 21:20:00.5 UTC\", \"Wed Aug  2 21:20:00 2023\", \"2023-08-02T21:20:00Z\")",
               text);
  return FALSE;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static gint
month_number (const char *name)
{
  for (gint i = 0; i < 12; i++)
    if (g_ascii_strcasecmp (name, months[i]) == 0)
      return i + 1;
  return 0;
}

/* "Aug  2, 2023 21:20:00[.fraction] UTC" or "Wed Aug  2 21:20:00 2023". */
static gboolean
parse_date (const char *text, gint64 *unix_seconds, double *fraction)
{
  char mon[4] = "", wday[4] = "", frac[16] = "", zone[4] = "";
  int day, year, hour, minute, second, used = 0;
  gboolean ok = FALSE;
  if (sscanf (text, "%3s %d, %d %d:%d:%d%n", mon, &day, &year, &hour, &minute, &second, &used) == 6)
    {
      const char *rest = text + used;
      if (*rest == '.')
        {
          int n = 0;
          if (sscanf (rest, ".%15[0-9]%n", frac, &n) != 1)
            return FALSE;
          rest += n;
        }
      int n = 0;
      ok = sscanf (rest, " %3s%n", zone, &n) == 1 && strcmp (zone, "UTC") == 0 && rest[n] == '\0';
    }
  else if (sscanf (text, "%3s %3s %d %d:%d:%d %d%n", wday, mon, &day, &hour, &minute, &second, &year, &used) == 7)
    ok = text[used] == '\0';
  gint month = month_number (mon);
  if (!ok || month == 0)
    return FALSE;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) date = g_date_time_new (utc, year, month, day, hour, minute, second);
  if (date == NULL)
    return FALSE;
  *unix_seconds = g_date_time_to_unix (date);
  *fraction = 0;
  if (*frac)
    {
      g_autofree char *decimal = g_strconcat ("0.", frac, NULL);
      *fraction = g_ascii_strtod (decimal, NULL);
    }
  return TRUE;
}

gboolean
craft__ntp_time_parse (const char *text, guint64 *out, GError **error)
{
  if (strcmp (text, "NULL") == 0)
    {
      *out = 0;
      return TRUE;
    }
  /* Seconds since 1900: an integer, or a decimal fraction as Scapy's
   * FixedPointField takes it: int(v) << 32 | int((v - int(v)) * 2**32). */
  if (g_ascii_isdigit (text[0]) && strspn (text, "0123456789.eE+-") == strlen (text))
    {
      if (strspn (text, "0123456789") == strlen (text))
        {
          guint64 seconds;
          if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &seconds, NULL))
            return too_late (text, error);
          *out = seconds << 32;
          return TRUE;
        }
      char *end;
      double value = g_ascii_strtod (text, &end);
      if (*end != '\0')
        return not_a_time (text, error);
      if (!(value >= 0 && value < NTP_FRACTION))
        return too_late (text, error);
      guint64 whole = (guint64) value;
      *out = whole << 32 | (guint64) ((value - (double) whole) * NTP_FRACTION);
      return TRUE;
    }
  gint64 unix_seconds;
  double fraction;
  if (parse_date (text, &unix_seconds, &fraction))
    return from_unix (text, unix_seconds, fraction, out, error);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) iso = g_date_time_new_from_iso8601 (text, utc);
  if (iso != NULL)
    {
      double seconds = g_date_time_get_seconds (iso);
      double whole_seconds = (double) (gint64) seconds;
      return from_unix (text, g_date_time_to_unix (iso), seconds - whole_seconds, out, error);
    }
  return not_a_time (text, error);
}

void
craft__ntp_time_format (guint64 value, GString *out)
{
  if (value == 0)
    {
      g_string_append (out, "NULL");
      return;
    }
  guint32 seconds = (guint32) (value >> 32), frac = (guint32) value;
  gint64 unix_seconds = (seconds & 0x80000000u) ? (gint64) seconds - NTP_UNIX_OFFSET
                                                : (gint64) seconds + NTP_ERA_SECONDS - NTP_UNIX_OFFSET;
  /* As Wireshark converts the fraction: in double precision, truncated. */
  int nanoseconds = (int) (1000000000 * (frac / NTP_FRACTION));
  /* Wireshark shows the Unix epoch (2208988800 seconds) as NULL too. */
  if (unix_seconds == 0 && nanoseconds == 0)
    {
      g_string_append (out, "NULL");
      return;
    }
  /* Not g_date_time_format(): its %e pads with a figure space in UTF-8 locales. */
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (unix_seconds);
  g_string_append_printf (out, "%s %2d, %d %02d:%02d:%02d.%09d UTC", months[g_date_time_get_month (date) - 1],
                          g_date_time_get_day_of_month (date), g_date_time_get_year (date),
                          g_date_time_get_hour (date), g_date_time_get_minute (date),
                          g_date_time_get_second (date), nanoseconds);
}

guint64
craft__ntp_time_now (void)
{
  gint64 us = g_get_real_time ();
  guint64 seconds = (guint64) (us / G_USEC_PER_SEC + NTP_UNIX_OFFSET) & 0xffffffffu;
  guint64 fraction = ((guint64) (us % G_USEC_PER_SEC) << 32) / G_USEC_PER_SEC;
  return seconds << 32 | fraction;
}
