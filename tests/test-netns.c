/* craft send, sr and sniff on a real link: two network namespaces joined by a veth pair, the kernel on the
 * other side answering, libpcap capturing what arrives. Needs root and iproute2; removes everything it made. */
/* setns() */
#define _GNU_SOURCE
#include <craft/craft.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Test addresses (RFC 5737 and RFC 4193 ranges), only ever inside the namespaces. */
#define ADDR_A "198.51.100.1"
#define ADDR_B "198.51.100.2"
#define ADDR_NOBODY "198.51.100.77"
#define ADDR6_A "fd00:c0de::1"
#define ADDR6_B "fd00:c0de::2"
/* Ethernet addresses given to the veth ends, so that tests can name them. */
#define MAC_A "02:00:00:00:0a:01"
#define MAC_B "02:00:00:00:0b:01"
/* A source address for frames crafted whole, which no interface has. */
#define MAC_CRAFTED "02:00:00:00:0c:01"

/* Everything this run creates is named after its process id. */
#define PREFIX "crt-"

static const char *skip_reason;
static char ns_a[32], ns_b[32], veth_a[16], veth_b[16], veth_down[16], veth_down_peer[16];
static char *tmpdir;
static GPid dnsmasq_pid;

/* ---- commands ---- */

typedef struct {
  char *out;
  char *err;
  int status;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs argv (NULL-terminated), waiting for it; returns its exit status. */
static int
run_argv (Run *run, const char *const *argv, const char *proto_path)
{
  char **envp = g_get_environ ();
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  /* No user definitions, and nothing an unprivileged user could not read. */
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", "/nonexistent/craft-test-config", TRUE);
  if (proto_path != NULL)
    envp = g_environ_setenv (envp, "CRAFT_PROTO_PATH", proto_path, TRUE);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  char *out = NULL, *err = NULL;
  gboolean ok = g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                              &wait_status, &error);
  g_strfreev (envp);
  g_assert_no_error (error);
  g_assert_true (ok);
  int status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  GString *line = g_string_new (NULL);
  for (gsize i = 0; argv[i] != NULL; i++)
    g_string_append_printf (line, "%s%.100s%s", i ? " " : "", argv[i], strlen (argv[i]) > 100 ? "..." : "");
  g_test_message ("%s -> %d\nstdout: %s\nstderr: %s", line->str, status, out, err);
  g_string_free (line, TRUE);
  if (run != NULL)
    {
      run->out = out;
      run->err = err;
      run->status = status;
    }
  else
    {
      g_free (out);
      g_free (err);
    }
  return status;
}

/* `ip ARGS...`, which must succeed. */
#define IP(...) ip_must ((const char *const[]){ "ip", __VA_ARGS__, NULL })

static void
ip_must (const char *const *argv)
{
  g_auto (Run) run = { 0 };
  if (run_argv (&run, argv, NULL) != 0)
    g_error ("ip failed: %s", run.err);
}

/* craft ARGS... inside namespace `ns`. */
static void
craft_in_proto (Run *run, const char *ns, const char *proto_path, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) "ip");
  g_ptr_array_add (argv, (char *) "netns");
  g_ptr_array_add (argv, (char *) "exec");
  g_ptr_array_add (argv, (char *) ns);
  g_ptr_array_add (argv, (char *) CRAFT_TOOL);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  run_argv (run, (const char *const *) argv->pdata, proto_path);
}

#define CRAFT_A(run, ...) craft_in_proto (run, ns_a, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define CRAFT_B(run, ...) craft_in_proto (run, ns_b, NULL, (const char *const[]){ __VA_ARGS__, NULL })

#define assert_contains(haystack, needle)                                                                    \
  G_STMT_START                                                                                               \
  {                                                                                                          \
    const char *h_ = (haystack), *n_ = (needle);                                                             \
    if (strstr (h_, n_) == NULL)                                                                             \
      g_assertion_message_cmpstr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, #haystack " contains " #needle, \
                                  h_, "does not contain", n_);                                               \
  }                                                                                                          \
  G_STMT_END

static gboolean
skipped (void)
{
  if (skip_reason == NULL)
    return FALSE;
  g_test_skip (skip_reason);
  return TRUE;
}

/* ---- the two namespaces ---- */

/* Deletes a namespace of ours, ending what still runs in it first. */
static void
namespace_delete (const char *ns)
{
  g_autofree char *pids = NULL;
  const char *argv[] = { "ip", "netns", "pids", ns, NULL };
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pids, NULL,
                NULL, NULL);
  g_auto (GStrv) lines = g_strsplit (pids != NULL ? pids : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 pid;
      if (g_ascii_string_to_signed (lines[i], 10, 1, G_MAXINT, &pid, NULL))
        kill ((pid_t) pid, SIGKILL);
    }
  const char *del[] = { "ip", "netns", "delete", ns, NULL };
  g_spawn_sync (NULL, (char **) del, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                NULL, NULL);
}

/* Namespaces left by a run that was killed (its process is gone). */
static void
sweep_stale (void)
{
  DIR *dir = opendir ("/run/netns");
  if (dir == NULL)
    return;
  g_autoptr (GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  for (struct dirent *e; (e = readdir (dir)) != NULL;)
    {
      gint64 pid;
      char digits[32] = "";
      if (!g_str_has_prefix (e->d_name, PREFIX) || sscanf (e->d_name + strlen (PREFIX), "%31[0-9]", digits) != 1
          || !g_ascii_string_to_signed (digits, 10, 1, G_MAXINT, &pid, NULL))
        continue;
      if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        g_ptr_array_add (stale, g_strdup (e->d_name));
    }
  closedir (dir);
  for (guint i = 0; i < stale->len; i++)
    namespace_delete (g_ptr_array_index (stale, i));
}

static void
teardown (void)
{
  namespace_delete (ns_a);
  namespace_delete (ns_b);
}

static void set_sysctl (const char *ns, const char *path, const char *value);

static void
setup (void)
{
  int pid = (int) getpid ();
  g_snprintf (ns_a, sizeof ns_a, PREFIX "%d-a", pid);
  g_snprintf (ns_b, sizeof ns_b, PREFIX "%d-b", pid);
  g_snprintf (veth_a, sizeof veth_a, "cr%da", pid);
  g_snprintf (veth_b, sizeof veth_b, "cr%db", pid);
  g_snprintf (veth_down, sizeof veth_down, "cr%dd", pid);
  g_snprintf (veth_down_peer, sizeof veth_down_peer, "cr%de", pid);
  IP ("netns", "add", ns_a);
  IP ("netns", "add", ns_b);
  IP ("link", "add", veth_a, "netns", ns_a, "address", MAC_A, "type", "veth", "peer", "name", veth_b, "netns", ns_b,
      "address", MAC_B);
  /* A second pair inside A, left down, for the error it gives. */
  IP ("link", "add", veth_down, "netns", ns_a, "type", "veth", "peer", "name", veth_down_peer, "netns", ns_a);
  IP ("-n", ns_a, "addr", "add", ADDR_A "/24", "dev", veth_a);
  IP ("-n", ns_b, "addr", "add", ADDR_B "/24", "dev", veth_b);
  IP ("-n", ns_a, "-6", "addr", "add", ADDR6_A "/64", "dev", veth_a, "nodad");
  IP ("-n", ns_b, "-6", "addr", "add", ADDR6_B "/64", "dev", veth_b, "nodad");
  IP ("-n", ns_a, "link", "set", "lo", "up");
  IP ("-n", ns_b, "link", "set", "lo", "up");
  IP ("-n", ns_a, "link", "set", veth_a, "up");
  IP ("-n", ns_b, "link", "set", veth_b, "up");
  /* B answers every packet sent to a closed port: the kernel's limit on
   * ICMP errors (a burst of 6, then one a second) would leave some
   * unanswered after the sends that come first. */
  set_sysctl (ns_b, "/proc/sys/net/ipv4/icmp_ratelimit", "0");
  set_sysctl (ns_b, "/proc/sys/net/ipv6/icmp/ratelimit", "0");
  /* The kernel's packets (answers) carry their real checksums, not ones
   * left for a NIC to fill. */
  g_autofree char *ethtool = g_find_program_in_path ("ethtool");
  if (ethtool == NULL)
    ethtool = g_strdup (g_file_test ("/usr/sbin/ethtool", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/sbin/ethtool" : "");
  if (*ethtool)
    for (int side = 0; side < 2; side++)
      {
        const char *argv[] = { "ip", "netns", "exec", side ? ns_b : ns_a, ethtool, "-K", side ? veth_b : veth_a,
                               "tx", "off", "rx", "off", NULL };
        g_spawn_sync (NULL, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                      NULL, NULL, NULL, NULL);
      }
}

/* Enters namespace `ns` (this thread only); returns the descriptor of the one left, to go back. */
static int
enter_namespace (const char *ns)
{
  int home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  g_autofree char *path = g_strdup_printf ("/run/netns/%s", ns);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (setns (fd, CLONE_NEWNET), ==, 0);
  close (fd);
  return home;
}

static void
leave_namespace (int home)
{
  g_assert_cmpint (setns (home, CLONE_NEWNET), ==, 0);
  close (home);
}

/* Writes a sysctl of namespace `ns`. */
static void
set_sysctl (const char *ns, const char *path, const char *value)
{
  int home = enter_namespace (ns);
  /* /proc/sys takes a write in place, not a new file renamed over it. */
  FILE *f = fopen (path, "w");
  if (f != NULL)
    {
      fputs (value, f);
      g_assert_cmpint (fclose (f), ==, 0);
    }
  leave_namespace (home);
}

/* ---- capturing in B ---- */

typedef struct {
  GPtrArray *frames;   /* GBytes */
  GArray *times;       /* gint64 microseconds */
} Captured;

static void
captured_clear (Captured *c)
{
  g_clear_pointer (&c->frames, g_ptr_array_unref);
  g_clear_pointer (&c->times, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Captured, captured_clear)

/* A running capture on the veth end in namespace `ns`: the socket stays in
 * that namespace once we are back in ours. */
static pcap_t *
capture_start_sized (const char *ns, const char *interface, const char *filter, int snaplen, int buffer_bytes)
{
  int home = enter_namespace (ns);
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *pcap = pcap_create (interface, errbuf);
  g_assert_nonnull (pcap);
  /* A small snap length makes many small blocks in the ring buffer: every
   * packet waits there while craft runs, even one per block. */
  pcap_set_immediate_mode (pcap, 1);
  pcap_set_snaplen (pcap, snaplen);
  pcap_set_buffer_size (pcap, buffer_bytes);
  pcap_set_tstamp_precision (pcap, PCAP_TSTAMP_PRECISION_MICRO);
  g_assert_cmpint (pcap_activate (pcap), >=, 0);
  struct bpf_program program;
  g_assert_cmpint (pcap_compile (pcap, &program, filter, 1, PCAP_NETMASK_UNKNOWN), ==, 0);
  g_assert_cmpint (pcap_setfilter (pcap, &program), ==, 0);
  pcap_freecode (&program);
  g_assert_cmpint (pcap_setnonblock (pcap, 1, errbuf), ==, 0);
  leave_namespace (home);
  return pcap;
}

static pcap_t *
capture_start (const char *ns, const char *interface, const char *filter)
{
  return capture_start_sized (ns, interface, filter, 2048, 4 * 1024 * 1024);
}

/* Reads until `want` packets came (or 5 seconds passed), then `quiet_ms`
 * more to see that no more come. Closes the capture. */
static void
capture_finish (pcap_t *pcap, guint want, guint quiet_ms, Captured *out)
{
  out->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  out->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean quiet = FALSE;
  while (g_get_monotonic_time () < deadline)
    {
      struct pcap_pkthdr *h;
      const u_char *data;
      int status = pcap_next_ex (pcap, &h, &data);
      g_assert_cmpint (status, >=, 0);
      if (status == 1)
        {
          g_ptr_array_add (out->frames, g_bytes_new (data, h->caplen));
          gint64 t = (gint64) h->ts.tv_sec * G_USEC_PER_SEC + h->ts.tv_usec;
          g_array_append_val (out->times, t);
          continue;
        }
      if (out->frames->len >= want && !quiet)
        {
          quiet = TRUE;
          deadline = g_get_monotonic_time () + (gint64) quiet_ms * 1000;
        }
      struct pollfd pfd = { pcap_get_selectable_fd (pcap), POLLIN, 0 };
      poll (&pfd, 1, 20);
    }
  pcap_close (pcap);
}

/* ---- building the expected bytes ---- */

static CraftRegistry *registry;

/* Every member of an expression's set, built, `rounds` times over. */
static GPtrArray *
build_all (const char *expression, guint rounds)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint r = 0; r < rounds; r++)
    for (guint64 m = 0; m < craft_packet_get_n_members (packet); m++)
      {
        g_assert_true (craft_packet_select_member (packet, m, &error));
        GBytes *bytes = craft_packet_build (packet, &error);
        g_assert_no_error (error);
        g_ptr_array_add (all, bytes);
      }
  return all;
}

static char *
hex (GBytes *bytes, gsize skip)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_new (NULL);
  for (gsize i = skip; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

/* The captured frames are the expected packets, in order, byte for byte;
 * `skip` bytes of link header are left out of the comparison. */
static void
assert_frames (const Captured *got, GPtrArray *want, gsize skip)
{
  g_assert_cmpuint (got->frames->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      g_autofree char *a = hex (g_ptr_array_index (got->frames, i), skip);
      g_autofree char *b = hex (g_ptr_array_index (want, i), 0);
      g_assert_cmpstr (a, ==, b);
    }
}

/* ---- send ---- */

static void
test_send_layer2 (void)
{
  g_test_summary ("A frame that starts with Ether goes out as built, VLAN tag included; -c repeats the whole "
                  "set, and the other side receives exactly that many.");
  if (skipped ())
    return;
  const char *expression = "Ether(src=\"" MAC_CRAFTED "\",dst=\"" MAC_B "\")/IP(src=\"" ADDR_A "\",dst=\"" ADDR_B
                           "\",ttl=[9,10])/UDP(sport=7000,dport=7001)/\"layer two\"";
  pcap_t *pcap = capture_start (ns_b, veth_b, "ether src " MAC_CRAFTED);
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "send", "-i", veth_a, "-c", "3", expression);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "sent 6 packets in ");
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 6, 300, &got);
  g_autoptr (GPtrArray) want = build_all (expression, 3);
  assert_frames (&got, want, 0);

  /* 802.1Q: no VLAN interface is needed, the tag is in the frame. */
  const char *tagged = "Ether(src=\"" MAC_CRAFTED "\",dst=\"" MAC_B "\")/Dot1Q(vlan=42,prio=5)/IP(src=\"" ADDR_A
                       "\",dst=\"" ADDR_B "\")/UDP(sport=7000,dport=7002)";
  pcap = capture_start (ns_b, veth_b, "ether src " MAC_CRAFTED);
  g_auto (Run) run2 = { 0 };
  CRAFT_A (&run2, "send", "-i", veth_a, tagged);
  g_assert_cmpint (run2.status, ==, 0);
  g_auto (Captured) got2 = { 0 };
  capture_finish (pcap, 1, 200, &got2);
  g_autoptr (GPtrArray) want2 = build_all (tagged, 1);
  assert_frames (&got2, want2, 0);
}

static void
test_send_layer3 (void)
{
  g_test_summary ("A packet that starts at IP goes through the kernel's routing and arrives as built, behind the "
                  "Ethernet header the kernel adds; every member of a set is sent.");
  if (skipped ())
    return;
  /* The source is given: this process does not share A's routes. */
  const char *expression = "IP(src=\"" ADDR_A "\",dst=\"" ADDR_B "\",id=77)/UDP(sport=7003,dport=[7004,7005,7006])/"
                           "\"layer three\"";
  pcap_t *pcap = capture_start (ns_b, veth_b, "udp and src port 7003");
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "send", "-i", veth_a, "-c", "2", expression);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "sent 6 packets in ");
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 6, 300, &got);
  g_autoptr (GPtrArray) want = build_all (expression, 2);
  assert_frames (&got, want, 14);

  /* IPv6 through its own raw socket. */
  const char *v6 = "IPv6(src=\"" ADDR6_A "\",dst=\"" ADDR6_B "\")/UDP(sport=7003,dport=7007)/\"six\"";
  pcap = capture_start (ns_b, veth_b, "ip6 and udp and src port 7003");
  g_auto (Run) run6 = { 0 };
  CRAFT_A (&run6, "send", "-i", veth_a, v6);
  g_assert_cmpint (run6.status, ==, 0);
  g_auto (Captured) got6 = { 0 };
  capture_finish (pcap, 1, 200, &got6);
  g_autoptr (GPtrArray) want6 = build_all (v6, 1);
  assert_frames (&got6, want6, 14);
}

static void
test_send_defaults (void)
{
  g_test_summary ("Ether's addresses left unset are the interface's and the next hop's (asked for by ARP); "
                  "broadcast with a warning when nobody answers.");
  if (skipped ())
    return;
  IP ("-n", ns_a, "neigh", "flush", "all");
  pcap_t *pcap = capture_start (ns_b, veth_b, "udp and src port 7010");
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "send", "-i", veth_a, "Ether()/IP(dst=\"" ADDR_B "\")/UDP(sport=7010,dport=7011)");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strstr (run.err, "warning"));
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 1, 100, &got);
  g_assert_cmpuint (got.frames->len, ==, 1);
  g_autofree char *frame = hex (g_ptr_array_index (got.frames, 0), 0);
  /* dst MAC_B, src MAC_A, IPv4, and the source address A's route gives. */
  g_assert_true (g_str_has_prefix (frame, "020000000b01" "020000000a01" "0800"));
  g_assert_nonnull (strstr (frame, "c6336401c6336402"));

  pcap = capture_start (ns_b, veth_b, "udp and src port 7012");
  g_auto (Run) lost = { 0 };
  CRAFT_A (&lost, "send", "-i", veth_a, "Ether()/IP(dst=\"" ADDR_NOBODY "\")/UDP(sport=7012,dport=7013)");
  g_assert_cmpint (lost.status, ==, 0);
  assert_contains (lost.err, "warning: ");
  assert_contains (lost.err, "no answer from the next hop " ADDR_NOBODY);
  g_auto (Captured) got2 = { 0 };
  capture_finish (pcap, 1, 100, &got2);
  g_assert_cmpuint (got2.frames->len, ==, 1);
  g_autofree char *frame2 = hex (g_ptr_array_index (got2.frames, 0), 0);
  g_assert_true (g_str_has_prefix (frame2, "ffffffffffff" "020000000a01"));
}

static void
test_send_rate (void)
{
  g_test_summary ("--rate paces by the clock: the packets arrive within 10% of the asked rate, and craft says "
                  "so.");
  if (skipped ())
    return;
  pcap_t *pcap = capture_start (ns_b, veth_b, "udp and src port 7020");
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "send", "-i", veth_a, "-c", "60", "--rate", "120", "IP(dst=\"" ADDR_B "\")/UDP(sport=7020,dport=7021)");
  g_assert_cmpint (run.status, ==, 0);
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 60, 200, &got);
  g_assert_cmpuint (got.frames->len, ==, 60);
  double span = (double) (g_array_index (got.times, gint64, 59) - g_array_index (got.times, gint64, 0)) / 1e6;
  double rate = 59 / span;
  g_test_message ("received at %.1f packets/s", rate);
  g_assert_cmpfloat (rate, >=, 108);
  g_assert_cmpfloat (rate, <=, 132);
  /* "sent 60 packets in 0.492 s (120.0 packets/s)" */
  const char *said = strstr (run.out, "(");
  g_assert_nonnull (said);
  double reported = g_ascii_strtod (said + 1, NULL);
  g_assert_cmpfloat (reported, >=, 108);
  g_assert_cmpfloat (reported, <=, 132);

  /* --inter spaces the packets by at least that. */
  pcap = capture_start (ns_b, veth_b, "udp and src port 7022");
  g_auto (Run) spaced = { 0 };
  CRAFT_A (&spaced, "send", "-i", veth_a, "-c", "3", "--inter", "0.1", "IP(dst=\"" ADDR_B "\")/UDP(sport=7022)");
  g_assert_cmpint (spaced.status, ==, 0);
  g_auto (Captured) got2 = { 0 };
  capture_finish (pcap, 3, 100, &got2);
  g_assert_cmpuint (got2.frames->len, ==, 3);
  gint64 gap = g_array_index (got2.times, gint64, 2) - g_array_index (got2.times, gint64, 0);
  g_assert_cmpint (gap, >=, 180000);
  g_assert_cmpint (gap, <=, 300000);
}

static void
test_send_large_set (void)
{
  g_test_summary ("A set of 20,000 frames, sent twice (-c 2) in batches, the second time from the bytes built the "
                  "first: all 40,000 arrive, in order, byte for byte; a paced send that cannot keep up packet by "
                  "packet batches and keeps the rate.");
  if (skipped ())
    return;
  const char *expression = "Ether(src=\"" MAC_CRAFTED "\",dst=\"" MAC_B "\")/IP(src=\"" ADDR_A "\",dst=\"" ADDR_B
                           "\")/UDP(sport=(1,20000),dport=7030)/\"batched\"";
  /* Everything waits in the capture's buffer until craft is done: a slot
   * of the ring for each frame, a small one. */
  pcap_t *pcap = capture_start_sized (ns_b, veth_b, "ether src " MAC_CRAFTED " and udp dst port 7030", 128,
                                      32 * 1024 * 1024);
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "send", "-i", veth_a, "-c", "2", expression);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "sent 40000 packets in ");
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 40000, 300, &got);
  g_autoptr (GPtrArray) want = build_all (expression, 2);
  assert_frames (&got, want, 0);

  /* 8,000 packets at 20,000 a second: one system call and one sleep per
   * packet would fall behind; the average holds within 10%. */
  pcap = capture_start_sized (ns_b, veth_b, "udp and src port 7031", 128, 4 * 1024 * 1024);
  g_auto (Run) fast = { 0 };
  CRAFT_A (&fast, "send", "-i", veth_a, "-c", "80", "--rate", "20000",
           "Ether(dst=\"" MAC_B "\")/IP(src=\"" ADDR_A "\",dst=\"" ADDR_B "\")/UDP(sport=7031,dport=(1,100))");
  g_assert_cmpint (fast.status, ==, 0);
  g_auto (Captured) got2 = { 0 };
  capture_finish (pcap, 8000, 200, &got2);
  g_assert_cmpuint (got2.frames->len, ==, 8000);
  double span = (double) (g_array_index (got2.times, gint64, 7999) - g_array_index (got2.times, gint64, 0)) / 1e6;
  g_test_message ("received at %.1f packets/s", 7999 / span);
  g_assert_cmpfloat (7999 / span, >=, 18000);
  g_assert_cmpfloat (7999 / span, <=, 22000);
}

static void
test_send_interrupt (void)
{
  g_test_summary ("Ctrl-C during a long send, in the rounds that send the kept bytes again: craft stops at once, "
                  "says how many it sent, and exits 130.");
  if (skipped ())
    return;
  const char *argv[] = { "ip", "netns", "exec", ns_a, CRAFT_TOOL, "send", "-i", veth_a, "-c", "1000000",
                         "Ether(src=\"" MAC_CRAFTED "\",dst=\"" MAC_B "\")/IP(src=\"" ADDR_A "\",dst=\"" ADDR_B
                         "\")/UDP(sport=(1,1000),dport=7035)",
                         NULL };
  g_autoptr (GError) error = NULL;
  GPid pid;
  int err_fd;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                           NULL, NULL, &pid, NULL, NULL, &err_fd, &error));
  g_assert_no_error (error);
  /* ip netns exec becomes craft (same process): the signal reaches it. */
  g_usleep (G_USEC_PER_SEC);
  g_assert_cmpint (kill (pid, SIGINT), ==, 0);
  int wait_status = 0;
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  GString *err = g_string_new (NULL);
  char buf[4096];
  for (gssize n; (n = read (err_fd, buf, sizeof buf)) > 0;)
    g_string_append_len (err, buf, n);
  close (err_fd);
  g_autofree char *text = g_string_free (err, FALSE);
  g_test_message ("stderr: %s", text);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);
  assert_contains (text, "craft send: interrupted; sent ");
  /* More than one round went out: the kept bytes were being sent again. */
  guint64 sent = g_ascii_strtoull (strstr (text, "sent ") + 5, NULL, 10);
  g_assert_cmpuint (sent, >, 1000);
}

static void
test_fuzz_send (void)
{
  g_test_summary ("craft fuzz -i sends the packets craft fuzz --hex prints for the same seed.");
  if (skipped ())
    return;
  const char *expression = "Ether(src=\"" MAC_CRAFTED "\",dst=\"" MAC_B "\")/IP(dst=\"" ADDR_B "\")/UDP(dport=7041)";
  pcap_t *pcap = capture_start (ns_b, veth_b, "ether src " MAC_CRAFTED);
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "fuzz", "-i", veth_a, "--seed", "7", "-c", "5", expression);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "sent 5 packets");
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 5, 300, &got);
  g_auto (Run) printed = { 0 };
  CRAFT_A (&printed, "fuzz", "--hex", "--seed", "7", "-c", "5", expression);
  g_assert_cmpint (printed.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (printed.out, "\n", -1);
  g_assert_cmpuint (got.frames->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *frame = hex (g_ptr_array_index (got.frames, i), 0);
      g_assert_cmpstr (frame, ==, lines[i]);
    }
}

/* ---- sr ---- */

static JsonNode *
parse_json (const char *line)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (line, &error);
  g_assert_no_error (error);
  return node;
}

/* Field `field` of the `nth` layer named `layer` of a packet object. */
static JsonNode *
json_field (JsonObject *packet, const char *layer, guint nth, const char *field)
{
  JsonArray *layers = json_object_get_array_member (packet, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      if (strcmp (json_object_get_string_member (l, "layer"), layer) == 0 && nth-- == 0)
        return json_object_get_member (json_object_get_object_member (l, "fields"), field);
    }
  g_error ("no layer %s in the packet", layer);
  return NULL;
}

static gint64
json_int (JsonObject *packet, const char *layer, guint nth, const char *field)
{
  return json_node_get_int (json_field (packet, layer, nth, field));
}

static const char *
json_str (JsonObject *packet, const char *layer, guint nth, const char *field)
{
  return json_node_get_string (json_field (packet, layer, nth, field));
}

/* The JSON lines of `craft sr --json`, one node each. */
static GPtrArray *
sr_json (const char *out)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_auto (GStrv) split = g_strsplit (out, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i])
      g_ptr_array_add (lines, parse_json (split[i]));
  return lines;
}

static JsonObject *
request_of (GPtrArray *lines, guint i)
{
  return json_object_get_object_member (json_node_get_object (g_ptr_array_index (lines, i)), "request");
}

static JsonArray *
answers_of (GPtrArray *lines, guint i)
{
  return json_object_get_array_member (json_node_get_object (g_ptr_array_index (lines, i)), "answers");
}

static void
test_sr_icmp (void)
{
  g_test_summary ("ICMP echo requests to B are answered by its kernel and paired by id and sequence.");
  if (skipped ())
    return;
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "sr", "-i", veth_a, "IP(dst=\"" ADDR_B "\")/ICMP(id=0x4242,seq=[1,2,3])");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "IP / ICMP " ADDR_A " > " ADDR_B " echo-request 0 ==> Ether / IP / ICMP " ADDR_B " > " ADDR_A
                            " echo-reply 0");
  assert_contains (run.err, "sent 3 packets, 3 answered, 0 unanswered");

  g_auto (Run) json = { 0 };
  CRAFT_A (&json, "sr", "-i", veth_a, "--json", "IP(dst=\"" ADDR_B "\")/ICMP(id=0x4242,seq=[1,2,3])");
  g_assert_cmpint (json.status, ==, 0);
  g_autoptr (GPtrArray) lines = sr_json (json.out);
  g_assert_cmpuint (lines->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *request = request_of (lines, i);
      JsonArray *answers = answers_of (lines, i);
      g_assert_cmpuint (json_array_get_length (answers), ==, 1);
      JsonObject *answer = json_array_get_object_element (answers, 0);
      g_assert_cmpint (json_int (request, "ICMP", 0, "seq"), ==, i + 1);
      g_assert_cmpint (json_int (answer, "ICMP", 0, "type"), ==, 0);
      g_assert_cmpint (json_int (answer, "ICMP", 0, "id"), ==, 0x4242);
      g_assert_cmpint (json_int (answer, "ICMP", 0, "seq"), ==, i + 1);
      g_assert_cmpstr (json_str (answer, "IP", 0, "src"), ==, ADDR_B);
      g_assert_cmpstr (json_str (answer, "Ether", 0, "src"), ==, MAC_B);
    }

  g_auto (Run) tree = { 0 };
  CRAFT_A (&tree, "sr", "-i", veth_a, "-V", "IP(dst=\"" ADDR_B "\")/ICMP(id=5)");
  g_assert_cmpint (tree.status, ==, 0);
  assert_contains (tree.out, "Sent 1 at ");
  assert_contains (tree.out, "Answer after ");
  assert_contains (tree.out, "type      = echo-reply (0)");
}

static void
test_sr_icmpv6 (void)
{
  g_test_summary ("ICMPv6 echo requests to B are answered by its kernel and paired by id, sequence and data; a "
                  "neighbour solicitation to B's solicited-node address is answered by its advertisement.");
  if (skipped ())
    return;
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "sr", "-i", veth_a, "--json",
           "IPv6(dst=\"" ADDR6_B "\")/ICMPv6EchoRequest(id=0x4343,seq=[1,2],data=b\"craft\")");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "sent 2 packets, 2 answered, 0 unanswered");
  g_autoptr (GPtrArray) lines = sr_json (run.out);
  g_assert_cmpuint (lines->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonArray *answers = answers_of (lines, i);
      g_assert_cmpuint (json_array_get_length (answers), ==, 1);
      JsonObject *answer = json_array_get_object_element (answers, 0);
      g_assert_cmpint (json_int (answer, "ICMPv6EchoReply", 0, "type"), ==, 129);
      g_assert_cmpint (json_int (answer, "ICMPv6EchoReply", 0, "id"), ==, 0x4343);
      g_assert_cmpint (json_int (answer, "ICMPv6EchoReply", 0, "seq"), ==, i + 1);
      g_assert_cmpstr (json_str (answer, "ICMPv6EchoReply", 0, "data"), ==, "6372616674");
      g_assert_cmpstr (json_str (answer, "IPv6", 0, "src"), ==, ADDR6_B);
    }

  /* Neighbour solicitation, sent whole at the link layer to B's
   * solicited-node multicast address (33:33:ff:00:00:02 on the wire). */
  g_auto (Run) ns = { 0 };
  CRAFT_A (&ns, "sr", "-i", veth_a, "--json",
           "Ether(dst=\"33:33:ff:00:00:02\")/IPv6(src=\"" ADDR6_A "\",dst=\"ff02::1:ff00:2\",hlim=255)/"
           "ICMPv6ND_NS(tgt=\"" ADDR6_B "\")/ICMPv6NDOptSrcLLAddr(lladdr=\"" MAC_A "\")");
  g_assert_cmpint (ns.status, ==, 0);
  g_autoptr (GPtrArray) ns_lines = sr_json (ns.out);
  g_assert_cmpuint (ns_lines->len, ==, 1);
  JsonArray *answers = answers_of (ns_lines, 0);
  g_assert_cmpuint (json_array_get_length (answers), ==, 1);
  JsonObject *answer = json_array_get_object_element (answers, 0);
  g_assert_cmpstr (json_str (answer, "ICMPv6ND_NA", 0, "tgt"), ==, ADDR6_B);
  g_assert_cmpint (json_int (answer, "ICMPv6ND_NA", 0, "S"), ==, 1);
  g_assert_cmpstr (json_str (answer, "IPv6", 0, "src"), ==, ADDR6_B);
  g_assert_cmpstr (json_str (answer, "IPv6", 0, "dst"), ==, ADDR6_A);
  g_assert_cmpstr (json_str (answer, "ICMPv6NDOptDstLLAddr", 0, "lladdr"), ==, MAC_B);
}

/* dnsmasq in B, answering example.test (UDP and TCP port 53) and leasing addresses by DHCP, or FALSE when
 * it is not installed. */
static gboolean
dnsmasq_running (void)
{
  if (dnsmasq_pid != 0)
    return TRUE;
  g_autofree char *dnsmasq = g_find_program_in_path ("dnsmasq");
  if (dnsmasq == NULL && g_file_test ("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
    dnsmasq = g_strdup ("/usr/sbin/dnsmasq");
  if (dnsmasq == NULL)
    return FALSE;
  const char *argv[] = { "ip", "netns", "exec", ns_b, dnsmasq, "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
                         "--no-hosts", "--port=53", "--bind-interfaces", "--listen-address=" ADDR_B,
                         "--listen-address=" ADDR6_B, "--address=/example.test/192.0.2.99",
                         "--dhcp-range=198.51.100.50,198.51.100.60,255.255.255.0,1h", "--pid-file=",
                         "--user=root", NULL };
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                  | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &dnsmasq_pid, &error));
  g_assert_no_error (error);
  /* Ready when its TCP port takes a connection. */
  int home = enter_namespace (ns_b);
  gboolean ready = FALSE;
  for (int i = 0; i < 100 && !ready; i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (53) };
      inet_pton (AF_INET, ADDR_B, &sin.sin_addr);
      ready = connect (fd, (struct sockaddr *) &sin, sizeof sin) == 0;
      close (fd);
      if (!ready)
        g_usleep (50 * 1000);
    }
  leave_namespace (home);
  g_assert_true (ready);
  return TRUE;
}

static void
test_sr_tcp (void)
{
  g_test_summary ("A SYN to a listening port is answered by SYN/ACK acknowledging seq + 1, to a closed port by "
                  "RST/ACK.");
  if (skipped ())
    return;
  if (!dnsmasq_running ())
    {
      g_test_skip ("dnsmasq is not installed (scripts/setup-debian.sh installs it): no listening port");
      return;
    }
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "sr", "-i", veth_a, "--json", "IP(dst=\"" ADDR_B "\")/TCP(sport=40001,dport=[53,54],seq=1000)");
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GPtrArray) lines = sr_json (run.out);
  g_assert_cmpuint (lines->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonArray *answers = answers_of (lines, i);
      g_assert_cmpuint (json_array_get_length (answers), ==, 1);
      JsonObject *answer = json_array_get_object_element (answers, 0);
      g_assert_cmpint (json_int (answer, "TCP", 0, "sport"), ==, i == 0 ? 53 : 54);
      g_assert_cmpint (json_int (answer, "TCP", 0, "dport"), ==, 40001);
      g_assert_cmpint (json_int (answer, "TCP", 0, "ack"), ==, 1001);
      /* SA is 0x12, RA 0x14. */
      g_assert_cmpint (json_int (answer, "TCP", 0, "flags"), ==, i == 0 ? 0x12 : 0x14);
    }
  g_auto (Run) text = { 0 };
  CRAFT_A (&text, "sr", "-i", veth_a, "IP(dst=\"" ADDR_B "\")/TCP(sport=40002,dport=53)");
  g_assert_cmpint (text.status, ==, 0);
  assert_contains (text.out, ":domain > " ADDR_A ":40002 SA\n");
}

static void
test_sr_udp_unreachable (void)
{
  g_test_summary ("A UDP datagram to a closed port is answered by ICMP port unreachable, paired through the "
                  "packet it quotes.");
  if (skipped ())
    return;
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "sr", "-i", veth_a, "--json", "IP(dst=\"" ADDR_B "\")/UDP(sport=40003,dport=[9,13])/\"anyone?\"");
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GPtrArray) lines = sr_json (run.out);
  g_assert_cmpuint (lines->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonArray *answers = answers_of (lines, i);
      g_assert_cmpuint (json_array_get_length (answers), ==, 1);
      JsonObject *answer = json_array_get_object_element (answers, 0);
      g_assert_cmpint (json_int (answer, "ICMP", 0, "type"), ==, 3);
      g_assert_cmpint (json_int (answer, "ICMP", 0, "code"), ==, 3);
      /* The quote: our datagram, this member's port. */
      g_assert_cmpstr (json_str (answer, "IP", 1, "src"), ==, ADDR_A);
      g_assert_cmpint (json_int (answer, "UDP", 0, "dport"), ==, i == 0 ? 9 : 13);
    }
}

static void
test_sr_arp (void)
{
  g_test_summary ("An ARP who-has is broadcast and answered by B's is-at.");
  if (skipped ())
    return;
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "sr", "-i", veth_a, "--json", "Ether()/ARP(pdst=\"" ADDR_B "\")");
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GPtrArray) lines = sr_json (run.out);
  g_assert_cmpuint (lines->len, ==, 1);
  JsonObject *request = request_of (lines, 0);
  g_assert_cmpstr (json_str (request, "Ether", 0, "dst"), ==, "ff:ff:ff:ff:ff:ff");
  g_assert_cmpstr (json_str (request, "Ether", 0, "src"), ==, MAC_A);
  g_assert_cmpstr (json_str (request, "ARP", 0, "psrc"), ==, ADDR_A);
  JsonArray *answers = answers_of (lines, 0);
  g_assert_cmpuint (json_array_get_length (answers), ==, 1);
  JsonObject *answer = json_array_get_object_element (answers, 0);
  g_assert_cmpint (json_int (answer, "ARP", 0, "op"), ==, 2);
  g_assert_cmpstr (json_str (answer, "ARP", 0, "hwsrc"), ==, MAC_B);
  g_assert_cmpstr (json_str (answer, "ARP", 0, "psrc"), ==, ADDR_B);
}

static void
test_sr_dns (void)
{
  g_test_summary ("DNS queries to dnsmasq in B are paired with their responses by id, over IPv4 and IPv6, and the "
                  "answer record reads back with its fields.");
  if (skipped ())
    return;
  if (!dnsmasq_running ())
    {
      g_test_skip ("dnsmasq is not installed (scripts/setup-debian.sh installs it)");
      return;
    }
  const char *v4 = "IP(dst=\"" ADDR_B "\")/UDP(sport=40004)/DNS(id=[0x1234,0x1235],qd=DNSQR(qname=\"example.test\"))";
  g_auto (Run) run = { 0 };
  CRAFT_A (&run, "sr", "-i", veth_a, "--json", v4);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GPtrArray) lines = sr_json (run.out);
  g_assert_cmpuint (lines->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonArray *answers = answers_of (lines, i);
      g_assert_cmpuint (json_array_get_length (answers), ==, 1);
      JsonObject *answer = json_array_get_object_element (answers, 0);
      g_assert_cmpint (json_int (answer, "DNS", 0, "id"), ==, 0x1234 + i);
      g_assert_cmpint (json_int (answer, "DNS", 0, "qr"), ==, 1);
      g_assert_cmpint (json_int (answer, "DNS", 0, "ancount"), ==, 1);
      /* The answer record, its name compressed by dnsmasq, and its address 192.0.2.99. */
      JsonArray *an = json_node_get_array (json_field (answer, "DNS", 0, "an"));
      g_assert_cmpuint (json_array_get_length (an), ==, 1);
      JsonObject *rr = json_object_get_object_member (json_array_get_object_element (an, 0), "fields");
      g_assert_cmpstr (json_object_get_string_member (rr, "rrname"), ==, "example.test.");
      g_assert_cmpstr (json_object_get_string_member (rr, "rdata"), ==, "192.0.2.99");
    }
  const char *v6 = "IPv6(dst=\"" ADDR6_B "\")/UDP(sport=40005)/DNS(id=0x4321,qd=DNSQR(qname=\"example.test\"))";
  g_auto (Run) run6 = { 0 };
  CRAFT_A (&run6, "sr", "-i", veth_a, v6);
  g_assert_cmpint (run6.status, ==, 0);
  assert_contains (run6.out, "IPv6 / UDP / DNS Qry example.test. ==> Ether / IPv6 / UDP / DNS Ans 192.0.2.99\n");
}

static void
test_sr_unanswered (void)
{
  g_test_summary ("A packet to an address nobody has is listed as unanswered after the timeout, exit status 3.");
  if (skipped ())
    return;
  g_auto (Run) run = { 0 };
  gint64 start = g_get_monotonic_time ();
  CRAFT_A (&run, "sr", "-i", veth_a, "--timeout", "1", "IP(dst=[\"" ADDR_B "\",\"" ADDR_NOBODY "\"])/ICMP(id=9)");
  gint64 took = g_get_monotonic_time () - start;
  g_assert_cmpint (run.status, ==, 3);
  assert_contains (run.out, " echo-reply 0\nunanswered: IP / ICMP " ADDR_A " > " ADDR_NOBODY " echo-request 0\n");
  assert_contains (run.err, "sent 2 packets, 1 answered, 1 unanswered");
  g_assert_cmpint (took, >=, G_USEC_PER_SEC);
  /* --retry sends the unanswered again: still nobody. */
  g_auto (Run) retry = { 0 };
  CRAFT_A (&retry, "sr", "-i", veth_a, "--timeout", "0.2", "--retry", "2", "IP(dst=\"" ADDR_NOBODY "\")/ICMP()");
  g_assert_cmpint (retry.status, ==, 3);
}

/* ---- sniff ---- */

typedef struct {
  GPid pid;
  int out_fd, err_fd;
} Background;

/* craft ARGS... in B in the background, once it says it is listening. */
static void
sniff_start (Background *bg, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  for (const char *const *a = (const char *const[]){ "ip", "netns", "exec", ns_b, CRAFT_TOOL, "sniff", "-i", veth_b, NULL };
       *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &bg->pid,
                                           NULL, &bg->out_fd, &bg->err_fd, &error));
  g_assert_no_error (error);
  GString *said = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (strstr (said->str, "listening on") == NULL && g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { bg->err_fd, POLLIN, 0 };
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      char buf[256];
      ssize_t got = read (bg->err_fd, buf, sizeof buf);
      if (got <= 0)
        break;
      g_string_append_len (said, buf, got);
    }
  g_test_message ("sniff: %s", said->str);
  assert_contains (said->str, "craft sniff: listening on ");
  g_string_free (said, TRUE);
}

/* Waits for it to end; its standard output and exit status. */
static char *
background_finish (Background *bg, int *status)
{
  GString *out = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd pfd = { bg->out_fd, POLLIN, 0 };
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      char buf[4096];
      ssize_t got = read (bg->out_fd, buf, sizeof buf);
      if (got <= 0)
        break;
      g_string_append_len (out, buf, got);
    }
  int wait_status;
  g_assert_cmpint (waitpid (bg->pid, &wait_status, 0), ==, bg->pid);
  *status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  g_spawn_close_pid (bg->pid);
  close (bg->out_fd);
  close (bg->err_fd);
  return g_string_free (out, FALSE);
}

static void
ping_b (void)
{
  const char *argv[] = { "ip", "netns", "exec", ns_a, "ping", "-c", "1", "-W", "2", ADDR_B, NULL };
  g_assert_cmpint (run_argv (NULL, argv, NULL), ==, 0);
}

/* ---- ping -6 captured by tcpdump, read by craft and tshark ---- */

/* The first member named `key` anywhere in a tshark JSON object (fields
 * nest in subtrees: icmpv6.nd.na.flag_tree, icmpv6.opt), or NULL. */
static const char *
tshark_find (JsonObject *object, const char *key)
{
  if (json_object_has_member (object, key))
    {
      JsonNode *node = json_object_get_member (object, key);
      return JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
    }
  g_autoptr (GList) members = json_object_get_members (object);
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *node = json_object_get_member (object, m->data);
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          const char *found = tshark_find (json_node_get_object (node), key);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

/* craft's field of a layer and tshark's name for it. */
typedef struct {
  const char *layer, *field, *tshark;
  gboolean text;
} TsharkField;

static const TsharkField icmpv6_fields[] = {
  { "Ether", "src", "eth.src", TRUE }, { "Ether", "dst", "eth.dst", TRUE }, { "Ether", "type", "eth.type", FALSE },
  { "IPv6", "src", "ipv6.src", TRUE }, { "IPv6", "dst", "ipv6.dst", TRUE }, { "IPv6", "plen", "ipv6.plen", FALSE },
  { "IPv6", "nh", "ipv6.nxt", FALSE }, { "IPv6", "hlim", "ipv6.hlim", FALSE }, { "IPv6", "fl", "ipv6.flow", FALSE },
  { "ICMPv6EchoRequest", "type", "icmpv6.type", FALSE }, { "ICMPv6EchoRequest", "code", "icmpv6.code", FALSE },
  { "ICMPv6EchoRequest", "cksum", "icmpv6.checksum", FALSE },
  { "ICMPv6EchoRequest", "id", "icmpv6.echo.identifier", FALSE },
  { "ICMPv6EchoRequest", "seq", "icmpv6.echo.sequence_number", FALSE },
  { "ICMPv6EchoReply", "type", "icmpv6.type", FALSE }, { "ICMPv6EchoReply", "code", "icmpv6.code", FALSE },
  { "ICMPv6EchoReply", "cksum", "icmpv6.checksum", FALSE },
  { "ICMPv6EchoReply", "id", "icmpv6.echo.identifier", FALSE },
  { "ICMPv6EchoReply", "seq", "icmpv6.echo.sequence_number", FALSE },
  { "ICMPv6ND_NS", "type", "icmpv6.type", FALSE }, { "ICMPv6ND_NS", "cksum", "icmpv6.checksum", FALSE },
  { "ICMPv6ND_NS", "tgt", "icmpv6.nd.ns.target_address", TRUE },
  { "ICMPv6ND_NA", "type", "icmpv6.type", FALSE }, { "ICMPv6ND_NA", "cksum", "icmpv6.checksum", FALSE },
  { "ICMPv6ND_NA", "R", "icmpv6.nd.na.flag.r", FALSE }, { "ICMPv6ND_NA", "S", "icmpv6.nd.na.flag.s", FALSE },
  { "ICMPv6ND_NA", "O", "icmpv6.nd.na.flag.o", FALSE },
  { "ICMPv6ND_NA", "tgt", "icmpv6.nd.na.target_address", TRUE },
  { "ICMPv6ND_RS", "type", "icmpv6.type", FALSE }, { "ICMPv6ND_RS", "cksum", "icmpv6.checksum", FALSE },
  { "ICMPv6NDOptSrcLLAddr", "type", "icmpv6.opt.type", FALSE },
  { "ICMPv6NDOptSrcLLAddr", "len", "icmpv6.opt.length", FALSE },
  { "ICMPv6NDOptSrcLLAddr", "lladdr", "icmpv6.opt.src_linkaddr", TRUE },
  { "ICMPv6NDOptDstLLAddr", "type", "icmpv6.opt.type", FALSE },
  { "ICMPv6NDOptDstLLAddr", "len", "icmpv6.opt.length", FALSE },
  { "ICMPv6NDOptDstLLAddr", "lladdr", "icmpv6.opt.target_linkaddr", TRUE },
};

/* Compares one packet of `craft read --json` with tshark's; returns how
 * many fields agreed and counts the packet's ICMPv6 message in `kinds`. */
static guint
compare_icmpv6_packet (JsonObject *craft, JsonObject *tshark_packet, GHashTable *kinds)
{
  JsonObject *theirs = json_object_get_object_member (json_object_get_object_member (tshark_packet, "_source"),
                                                      "layers");
  JsonArray *layers = json_object_get_array_member (craft, "layers");
  guint agreed = 0;
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      const char *name = json_object_get_string_member (layer, "layer");
      JsonObject *fields = json_object_get_object_member (layer, "fields");
      const char *kind = g_intern_string (name);
      if (g_str_has_prefix (name, "ICMPv6"))
        g_hash_table_insert (kinds, (gpointer) kind,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, kind)) + 1));
      for (gsize k = 0; k < G_N_ELEMENTS (icmpv6_fields); k++)
        {
          const TsharkField *f = &icmpv6_fields[k];
          if (strcmp (f->layer, name) != 0)
            continue;
          const char *value = tshark_find (theirs, f->tshark);
          if (value == NULL)
            g_error ("%s.%s: tshark has no %s", name, f->field, f->tshark);
          g_test_message ("%s.%s vs %s = %s", name, f->field, f->tshark, value);
          if (f->text)
            g_assert_cmpstr (json_object_get_string_member (fields, f->field), ==, value);
          else
            g_assert_cmpuint ((guint64) json_object_get_int_member (fields, f->field), ==,
                              g_ascii_strtoull (value, NULL, 0));
          agreed++;
        }
    }
  return agreed;
}

static void
test_capture_ping6 (void)
{
  g_test_summary ("ping -6 from A to B, with the neighbour discovery before it, captured by tcpdump in B: craft "
                  "read --json agrees with tshark -T json field by field on every echo, solicitation and "
                  "advertisement.");
  if (skipped ())
    return;
  g_autofree char *ping = g_find_program_in_path ("ping");
  g_autofree char *tcpdump = g_find_program_in_path ("tcpdump");
  if (tcpdump == NULL && g_file_test ("/usr/bin/tcpdump", G_FILE_TEST_IS_EXECUTABLE))
    tcpdump = g_strdup ("/usr/bin/tcpdump");
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  if (ping == NULL || tcpdump == NULL || tshark == NULL)
    {
      g_test_skip ("ping, tcpdump or tshark is not installed");
      return;
    }
  /* Forget the neighbours, so that A asks for B's address first. */
  IP ("-n", ns_a, "-6", "neigh", "flush", "dev", veth_a);
  IP ("-n", ns_b, "-6", "neigh", "flush", "dev", veth_b);
  g_autofree char *path = g_build_filename (tmpdir, "ping6.pcap", NULL);
  const char *argv[] = { "ip", "netns", "exec", ns_b, tcpdump, "-i", veth_b, "--immediate-mode", "-U", "-n", "-w",
                         path, "icmp6", NULL };
  GPid pid;
  int err_fd = -1;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                             | G_SPAWN_STDOUT_TO_DEV_NULL,
                                           NULL, NULL, &pid, NULL, NULL, &err_fd, &error));
  g_assert_no_error (error);
  /* tcpdump says "listening on ..." once it captures. */
  GString *said = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (strstr (said->str, "listening on") == NULL && g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { err_fd, POLLIN, 0 };
      char buf[256];
      ssize_t got;
      if (poll (&pfd, 1, 200) > 0 && (got = read (err_fd, buf, sizeof buf)) > 0)
        g_string_append_len (said, buf, got);
    }
  g_test_message ("tcpdump: %s", said->str);
  g_assert_nonnull (strstr (said->str, "listening on"));
  g_string_free (said, TRUE);

  g_auto (Run) run = { 0 };
  const char *ping_argv[] = { "ip", "netns", "exec", ns_a, ping, "-6", "-c", "3", "-i", "0.2", "-W", "2",
                              ADDR6_B, NULL };
  g_assert_cmpint (run_argv (&run, ping_argv, NULL), ==, 0);
  /* -U writes each packet as it comes; give the last one time to land. */
  g_usleep (300 * 1000);
  g_assert_cmpint (kill (pid, SIGINT), ==, 0);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (err_fd);

  g_auto (Run) read = { 0 };
  craft_in_proto (&read, ns_b, NULL, (const char *const[]){ "read", "--json", path, NULL });
  g_assert_cmpint (read.status, ==, 0);
  g_auto (Run) shark = { 0 };
  const char *tshark_argv[] = { tshark, "-r", path, "-T", "json", "--no-duplicate-keys", NULL };
  g_assert_cmpint (run_argv (&shark, tshark_argv, NULL), ==, 0);
  g_autoptr (JsonNode) tshark_root = parse_json (shark.out);
  JsonArray *tshark_packets = json_node_get_array (tshark_root);
  g_autoptr (GPtrArray) lines = sr_json (read.out);
  g_assert_cmpuint (lines->len, ==, json_array_get_length (tshark_packets));
  g_autoptr (GHashTable) kinds = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint agreed = 0;
  for (guint i = 0; i < lines->len; i++)
    agreed += compare_icmpv6_packet (json_node_get_object (g_ptr_array_index (lines, i)),
                                     json_array_get_object_element (tshark_packets, i), kinds);
  g_test_message ("%u packets, %u fields agree with tshark", lines->len, agreed);
  /* Three echoes each way, and A's solicitation for B with B's answer. */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_intern_string ("ICMPv6EchoRequest"))), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_intern_string ("ICMPv6EchoReply"))), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_intern_string ("ICMPv6ND_NS"))), >=, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_intern_string ("ICMPv6ND_NA"))), >=, 1);
  g_assert_cmpuint (agreed, >=, 6 * 14 + 2 * 12);
  /* Nothing in the capture is a finding: checksums and lengths verify. */
  g_auto (Run) tree = { 0 };
  craft_in_proto (&tree, ns_b, NULL, (const char *const[]){ "read", "-V", path, NULL });
  g_assert_cmpint (tree.status, ==, 0);
  g_assert_null (strstr (tree.out, "!!!"));
}

static void
test_sniff_ping (void)
{
  g_test_summary ("craft sniff sees the echo request and reply of ping between the namespaces, with the right "
                  "fields, in JSON and in summaries.");
  if (skipped ())
    return;
  g_autofree char *ping = g_find_program_in_path ("ping");
  if (ping == NULL)
    {
      g_test_skip ("ping is not installed (iputils-ping)");
      return;
    }
  Background bg;
  sniff_start (&bg, (const char *const[]){ "-c", "2", "--json", "-f", "icmp", NULL });
  ping_b ();
  int status;
  g_autofree char *out = background_finish (&bg, &status);
  g_assert_cmpint (status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (JsonNode) node = parse_json (lines[i]);
      JsonObject *packet = json_node_get_object (node);
      g_assert_cmpint (json_object_get_int_member (packet, "n"), ==, i + 1);
      /* ping sends 56 bytes of data: 98 on the wire. */
      g_assert_cmpint (json_object_get_int_member (packet, "len"), ==, 98);
      g_assert_cmpstr (json_str (packet, "Ether", 0, "src"), ==, i == 0 ? MAC_A : MAC_B);
      g_assert_cmpstr (json_str (packet, "IP", 0, "src"), ==, i == 0 ? ADDR_A : ADDR_B);
      g_assert_cmpstr (json_str (packet, "IP", 0, "dst"), ==, i == 0 ? ADDR_B : ADDR_A);
      g_assert_cmpint (json_int (packet, "IP", 0, "proto"), ==, 1);
      g_assert_cmpint (json_int (packet, "ICMP", 0, "type"), ==, i == 0 ? 8 : 0);
    }

  sniff_start (&bg, (const char *const[]){ "-c", "2", "-f", "icmp", NULL });
  ping_b ();
  g_autofree char *text = background_finish (&bg, &status);
  g_assert_cmpint (status, ==, 0);
  assert_contains (text, " Ether / IP / ICMP " ADDR_A " > " ADDR_B " echo-request 0 / Raw\n2 ");
  assert_contains (text, " Ether / IP / ICMP " ADDR_B " > " ADDR_A " echo-reply 0 / Raw\n");
}

static void
test_sniff_write (void)
{
  g_test_summary ("craft sniff -w writes what it captured to a capture craft read reads; --timeout ends it.");
  if (skipped ())
    return;
  g_autofree char *path = g_build_filename (tmpdir, "sniffed.pcapng", NULL);
  Background bg;
  sniff_start (&bg, (const char *const[]){ "-c", "2", "-f", "icmp", "-w", path, NULL });
  ping_b ();
  int status;
  g_autofree char *out = background_finish (&bg, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_auto (Run) read = { 0 };
  CRAFT_B (&read, "read", path);
  g_assert_cmpint (read.status, ==, 0);
  assert_contains (read.out, "echo-request");
  assert_contains (read.out, "echo-reply");

  g_auto (Run) quiet = { 0 };
  gint64 start = g_get_monotonic_time ();
  CRAFT_B (&quiet, "sniff", "-i", veth_b, "--timeout", "0.3", "-f", "udp port 9999");
  g_assert_cmpint (quiet.status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300000);
  assert_contains (quiet.err, "0 packets captured");
}

/* The fields of DNS packet `nth` (from 0) of a `craft read --json` output. */
static JsonObject *
dns_fields_of (GPtrArray *lines, guint nth)
{
  JsonObject *packet = json_node_get_object (g_ptr_array_index (lines, nth));
  JsonArray *layers = json_object_get_array_member (packet, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      if (strcmp (json_object_get_string_member (layer, "layer"), "DNS") == 0)
        return json_object_get_object_member (layer, "fields");
    }
  g_error ("packet %u has no DNS layer", nth);
}

/* A name as tshark shows it: without the root's final dot. */
static char *
without_root (const char *name)
{
  return g_str_has_suffix (name, ".") && strlen (name) > 1 ? g_strndup (name, strlen (name) - 1) : g_strdup (name);
}

/* tshark's path when it and dnsmasq are both here, else NULL with the test skipped. */
static char *
dnsmasq_and_tshark (void)
{
  if (!dnsmasq_running ())
    {
      g_test_skip ("dnsmasq is not installed (scripts/setup-debian.sh installs it)");
      return NULL;
    }
  char *tshark = g_find_program_in_path ("tshark");
  if (tshark == NULL)
    g_test_skip ("tshark is not installed");
  return tshark;
}

/* Waits for the background sniff that writes `path`, then reads `path`
 * with craft read --json: its `n` packets, one JSON node each. */
static GPtrArray *
captured_json (Background *bg, const char *path, guint n)
{
  int status;
  g_autofree char *out = background_finish (bg, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (out);
  g_auto (Run) read = { 0 };
  CRAFT_B (&read, "read", "--json", path);
  g_assert_cmpint (read.status, ==, 0);
  GPtrArray *lines = sr_json (read.out);
  g_assert_cmpuint (lines->len, ==, n);
  return lines;
}

/* The lines tshark prints for `argv`, at least `n`. */
static GStrv
tshark_rows (const char *const *argv, guint n)
{
  g_auto (Run) ts = { 0 };
  g_assert_cmpint (run_argv (&ts, argv, NULL), ==, 0);
  GStrv rows = g_strsplit (ts.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), >=, n);
  return rows;
}

static void
test_dns_capture_tshark (void)
{
  g_test_summary ("A query to dnsmasq and its real answer, captured, read by craft read --json field by field as "
                  "tshark reads them.");
  if (skipped ())
    return;
  g_autofree char *tshark = dnsmasq_and_tshark ();
  if (tshark == NULL)
    return;
  g_autofree char *path = g_build_filename (tmpdir, "dns.pcap", NULL);
  Background bg;
  sniff_start (&bg, (const char *const[]){ "-c", "2", "-f", "udp port 53", "-w", path, NULL });
  g_auto (Run) sr = { 0 };
  CRAFT_A (&sr, "sr", "-i", veth_a,
           "IP(dst=\"" ADDR_B "\")/UDP(sport=40006)/DNS(id=0x2468,qd=DNSQR(qname=\"www.example.test\"))");
  g_assert_cmpint (sr.status, ==, 0);
  g_autoptr (GPtrArray) lines = captured_json (&bg, path, 2);
  const char *argv[] = { tshark, "-n", "-r", path, "-T", "fields", "-E", "separator=|", "-e", "dns.id",
                         "-e", "dns.flags.response", "-e", "dns.flags.recdesired", "-e", "dns.count.queries",
                         "-e", "dns.count.answers", "-e", "dns.qry.name", "-e", "dns.qry.type",
                         "-e", "dns.resp.name", "-e", "dns.resp.ttl", "-e", "dns.a", NULL };
  g_auto (GStrv) rows = tshark_rows (argv, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (GStrv) t = g_strsplit (rows[i], "|", -1);
      g_assert_cmpuint (g_strv_length (t), ==, 10);
      JsonObject *dns = dns_fields_of (lines, i);
      g_assert_cmpint (json_object_get_int_member (dns, "id"), ==, g_ascii_strtoll (t[0], NULL, 0));
      g_assert_cmpint (json_object_get_int_member (dns, "qr"), ==, g_ascii_strtoll (t[1], NULL, 10));
      g_assert_cmpint (json_object_get_int_member (dns, "rd"), ==, g_ascii_strtoll (t[2], NULL, 10));
      g_assert_cmpint (json_object_get_int_member (dns, "qdcount"), ==, g_ascii_strtoll (t[3], NULL, 10));
      g_assert_cmpint (json_object_get_int_member (dns, "ancount"), ==, g_ascii_strtoll (t[4], NULL, 10));
      JsonObject *qd = json_object_get_object_member (
        json_array_get_object_element (json_object_get_array_member (dns, "qd"), 0), "fields");
      g_autofree char *qname = without_root (json_object_get_string_member (qd, "qname"));
      g_assert_cmpstr (qname, ==, t[5]);
      g_assert_cmpint (json_object_get_int_member (qd, "qtype"), ==, g_ascii_strtoll (t[6], NULL, 10));
      JsonArray *an = json_object_get_array_member (dns, "an");
      g_assert_cmpuint (json_array_get_length (an), ==, i);
      if (i == 0)
        continue;
      /* dnsmasq compresses the answer's name: a pointer to the question's. */
      JsonObject *rr = json_object_get_object_member (json_array_get_object_element (an, 0), "fields");
      g_autofree char *rrname = without_root (json_object_get_string_member (rr, "rrname"));
      g_assert_cmpstr (rrname, ==, t[7]);
      g_assert_cmpint (json_object_get_int_member (rr, "ttl"), ==, g_ascii_strtoll (t[8], NULL, 10));
      g_assert_cmpstr (json_object_get_string_member (rr, "rdata"), ==, t[9]);
      g_assert_cmpstr (t[9], ==, "192.0.2.99");
    }
}

/* The fields of the element of layer `element` in the list `list` of layer `layer` of a JSON packet, or NULL. */
static JsonObject *
element_fields (JsonObject *packet, const char *layer, const char *list, const char *element)
{
  JsonArray *layers = json_object_get_array_member (packet, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      if (strcmp (json_object_get_string_member (l, "layer"), layer) != 0)
        continue;
      JsonArray *items = json_object_get_array_member (json_object_get_object_member (l, "fields"), list);
      for (guint k = 0; k < json_array_get_length (items); k++)
        {
          JsonObject *item = json_array_get_object_element (items, k);
          if (strcmp (json_object_get_string_member (item, "layer"), element) == 0)
            return json_object_get_object_member (item, "fields");
        }
    }
  return NULL;
}

static void
test_dhcp_capture_tshark (void)
{
  g_test_summary ("A DHCP discover and dnsmasq's offer, captured, read by craft read --json as tshark reads them.");
  if (skipped ())
    return;
  g_autofree char *tshark = dnsmasq_and_tshark ();
  if (tshark == NULL)
    return;
  g_autofree char *path = g_build_filename (tmpdir, "dhcp.pcap", NULL);
  Background bg;
  sniff_start (&bg, (const char *const[]){ "-c", "2", "-f", "udp port 67 or udp port 68", "-w", path, NULL });
  g_auto (Run) send = { 0 };
  CRAFT_A (&send, "send", "-i", veth_a,
           "Ether(dst=\"ff:ff:ff:ff:ff:ff\")/IP(src=\"0.0.0.0\",dst=\"255.255.255.255\")/UDP(sport=68,dport=67)"
           "/BOOTP(chaddr=b\"\\x02\\x00\\x00\\x00\\x0a\\x01\",xid=0x1357,flags=0x8000)"
           "/DHCP(options=[(\"message-type\",\"discover\"),\"end\"])");
  g_assert_cmpint (send.status, ==, 0);
  g_autoptr (GPtrArray) lines = captured_json (&bg, path, 2);
  const char *argv[] = { tshark, "-n", "-r", path, "-T", "fields", "-E", "separator=|", "-e", "dhcp.id",
                         "-e", "dhcp.type", "-e", "dhcp.ip.your", "-e", "dhcp.option.dhcp",
                         "-e", "dhcp.option.dhcp_server_id", "-e", "dhcp.option.ip_address_lease_time",
                         "-e", "dhcp.option.subnet_mask", NULL };
  g_auto (GStrv) rows = tshark_rows (argv, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (GStrv) t = g_strsplit (rows[i], "|", -1);
      g_assert_cmpuint (g_strv_length (t), ==, 7);
      JsonObject *packet = json_node_get_object (g_ptr_array_index (lines, i));
      g_assert_cmpint (json_int (packet, "BOOTP", 0, "xid"), ==, g_ascii_strtoll (t[0], NULL, 0));
      g_assert_cmpint (json_int (packet, "BOOTP", 0, "op"), ==, g_ascii_strtoll (t[1], NULL, 10));
      g_assert_cmpstr (json_str (packet, "BOOTP", 0, "yiaddr"), ==, t[2]);
      JsonObject *type = element_fields (packet, "DHCP", "options", "DHCPOpt_MessageType");
      g_assert_nonnull (type);
      g_assert_cmpint (json_object_get_int_member (type, "type"), ==, g_ascii_strtoll (t[3], NULL, 10));
      if (i == 0)
        continue;
      /* The offer: an address of the range, the server, the lease and the mask. */
      g_assert_cmpint (json_object_get_int_member (type, "type"), ==, 2);
      g_assert_true (g_str_has_prefix (t[2], "198.51.100."));
      JsonObject *server = element_fields (packet, "DHCP", "options", "DHCPOpt_ServerId");
      g_assert_cmpstr (json_object_get_string_member (server, "addr"), ==, t[4]);
      g_assert_cmpstr (t[4], ==, ADDR_B);
      JsonObject *lease = element_fields (packet, "DHCP", "options", "DHCPOpt_LeaseTime");
      g_assert_cmpint (json_object_get_int_member (lease, "time"), ==, g_ascii_strtoll (t[5], NULL, 10));
      JsonObject *mask = element_fields (packet, "DHCP", "options", "DHCPOpt_SubnetMask");
      g_assert_cmpstr (json_object_get_string_member (mask, "mask"), ==, t[6]);
    }
}

/* ---- errors ---- */

/* Nothing with this UDP source port reached B while `what` ran. */
static void
assert_nothing_sent (pcap_t *pcap)
{
  g_auto (Captured) got = { 0 };
  capture_finish (pcap, 0, 300, &got);
  g_assert_cmpuint (got.frames->len, ==, 0);
}

static void
test_errors (void)
{
  g_test_summary ("An unknown interface, one that is down, a packet larger than the MTU and a missing CAP_NET_RAW "
                  "each fail with the interface and the cause, exit 1, and send nothing.");
  if (skipped ())
    return;
  static const char *const commands[] = { "send", "sr", "sniff" };
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      gboolean sniff = strcmp (commands[i], "sniff") == 0;
      g_auto (Run) run = { 0 };
      CRAFT_A (&run, commands[i], "-i", "nosuch0", sniff ? "-c" : "IP()/ICMP()", sniff ? "1" : NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (run.err, ==, "craft: nosuch0: no such interface\n");
      g_auto (Run) down = { 0 };
      CRAFT_A (&down, commands[i], "-i", veth_down, sniff ? "-c" : "IP()/ICMP()", sniff ? "1" : NULL);
      g_assert_cmpint (down.status, ==, 1);
      g_autofree char *said = g_strdup_printf ("craft: %s: the interface is down", veth_down);
      assert_contains (down.err, said);
    }

  /* Larger than the MTU (1500), at layer 3 and at layer 2. */
  g_autofree char *big = g_strnfill (1500, 'x');
  g_autofree char *l3 = g_strdup_printf ("IP(dst=\"" ADDR_B "\")/UDP(sport=7030)/\"%s\"", big);
  g_autofree char *l2 = g_strdup_printf ("Ether(dst=\"" MAC_B "\")/IP(dst=\"" ADDR_B "\")/UDP(sport=7030)/\"%s\"", big);
  pcap_t *pcap = capture_start (ns_b, veth_b, "udp and src port 7030");
  g_auto (Run) mtu3 = { 0 };
  CRAFT_A (&mtu3, "send", "-i", veth_a, l3);
  g_auto (Run) mtu2 = { 0 };
  CRAFT_A (&mtu2, "send", "-i", veth_a, l2);
  assert_nothing_sent (pcap);
  g_assert_cmpint (mtu3.status, ==, 1);
  g_autofree char *said3
    = g_strdup_printf ("craft: %s: the packet is 1528 bytes, larger than the interface's MTU of 1500 bytes", veth_a);
  assert_contains (mtu3.err, said3);
  g_assert_cmpint (mtu2.status, ==, 1);
  g_autofree char *said2 = g_strdup_printf ("craft: %s: the frame is 1542 bytes, larger than the interface's MTU of "
                                            "1500 bytes plus the 14-byte Ether header",
                                            veth_a);
  assert_contains (mtu2.err, said2);

  /* Without CAP_NET_RAW, as an unprivileged user. */
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");
  if (setpriv == NULL)
    {
      g_test_message ("setpriv is not installed: the privilege case is left out");
      return;
    }
  pcap = capture_start (ns_b, veth_b, "udp and src port 7031");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      gboolean sniff = strcmp (commands[i], "sniff") == 0;
      const char *argv[] = { "ip", "netns", "exec", ns_a, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                             "--inh-caps=-all", "--bounding-set=-all", CRAFT_TOOL, commands[i], "-i", veth_a,
                             sniff ? "-c" : "IP(dst=\"" ADDR_B "\")/UDP(sport=7031)", sniff ? "1" : NULL, NULL };
      g_auto (Run) run = { 0 };
      run_argv (&run, argv, NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_autofree char *denied = g_strdup_printf ("craft: %s: permission denied: ", veth_a);
      assert_contains (run.err, denied);
      assert_contains (run.err, "CAP_NET_RAW");
    }
  assert_nothing_sent (pcap);

  /* Bad usage: exit 2. */
  g_auto (Run) no_iface = { 0 };
  CRAFT_A (&no_iface, "send", "IP()");
  g_assert_cmpint (no_iface.status, ==, 2);
  assert_contains (no_iface.err, "-i IFACE is required");
  g_auto (Run) unroutable = { 0 };
  CRAFT_A (&unroutable, "send", "-i", veth_a, "UDP()");
  g_assert_cmpint (unroutable.status, ==, 2);
  assert_contains (unroutable.err, "a packet starting with UDP cannot be sent here");
  g_auto (Run) bad_filter = { 0 };
  CRAFT_A (&bad_filter, "sniff", "-i", veth_a, "-f", "no such filter", "-c", "1");
  g_assert_cmpint (bad_filter.status, ==, 2);
  assert_contains (bad_filter.err, "bad filter 'no such filter'");
}

/* ---- the whole run ---- */

static const char *
why_skip (void)
{
  if (getuid () != 0)
    return "network namespaces need root";
  g_autofree char *ip = g_find_program_in_path ("ip");
  if (ip == NULL)
    return "iproute2's ip is not installed";
  return NULL;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new ();
  if (!craft_registry_load_builtin (registry, &error))
    g_error ("%s", error->message);
  g_test_add_func ("/netns/send/layer2", test_send_layer2);
  g_test_add_func ("/netns/send/layer3", test_send_layer3);
  g_test_add_func ("/netns/send/defaults", test_send_defaults);
  g_test_add_func ("/netns/send/rate", test_send_rate);
  g_test_add_func ("/netns/send/large-set", test_send_large_set);
  g_test_add_func ("/netns/send/interrupt", test_send_interrupt);
  g_test_add_func ("/netns/send/fuzz", test_fuzz_send);
  g_test_add_func ("/netns/sr/icmp", test_sr_icmp);
  g_test_add_func ("/netns/sr/icmpv6", test_sr_icmpv6);
  g_test_add_func ("/netns/sr/tcp", test_sr_tcp);
  g_test_add_func ("/netns/sr/udp-unreachable", test_sr_udp_unreachable);
  g_test_add_func ("/netns/sr/arp", test_sr_arp);
  g_test_add_func ("/netns/sr/dns", test_sr_dns);
  g_test_add_func ("/netns/sniff/dns-tshark", test_dns_capture_tshark);
  g_test_add_func ("/netns/sniff/dhcp-tshark", test_dhcp_capture_tshark);
  g_test_add_func ("/netns/sr/unanswered", test_sr_unanswered);
  g_test_add_func ("/netns/sniff/ping", test_sniff_ping);
  g_test_add_func ("/netns/capture/ping6", test_capture_ping6);
  g_test_add_func ("/netns/sniff/write", test_sniff_write);
  g_test_add_func ("/netns/errors", test_errors);

  skip_reason = why_skip ();
  if (skip_reason != NULL)
    {
      int status = g_test_run ();
      craft_registry_unref (registry);
      return status;
    }
  sweep_stale ();
  setup ();
  tmpdir = g_dir_make_tmp ("craft-test-netns-XXXXXX", NULL);
  /* The tests run in a child, so that whatever ends it (a failed
   * assertion aborts), this process removes the namespaces. */
  fflush (NULL);
  pid_t child = fork ();
  if (child == 0)
    {
      int status = g_test_run ();
      if (dnsmasq_pid != 0)
        {
          kill (dnsmasq_pid, SIGTERM);
          waitpid (dnsmasq_pid, NULL, 0);
        }
      g_free (tmpdir);
      craft_registry_unref (registry);
      exit (status);
    }
  int wait_status = 0;
  while (child > 0 && waitpid (child, &wait_status, 0) < 0 && errno == EINTR)
    ;
  teardown ();
  const char *rm[] = { "rm", "-rf", tmpdir, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (tmpdir);
  craft_registry_unref (registry);
  if (child < 0)
    g_error ("fork failed: %s", g_strerror (errno));
  if (WIFSIGNALED (wait_status))
    {
      fprintf (stderr, "the tests ended with signal %d\n", WTERMSIG (wait_status));
      return 1;
    }
  return WEXITSTATUS (wait_status);
}
