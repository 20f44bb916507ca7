// W2 with libtins: sniff a capture, parse every packet, read addresses and ports.
#include <tins/tins.h>
#include <cstdint>
#include <iostream>

using namespace Tins;

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " IN.pcap\n";
    return 2;
  }
  uint64_t n = 0, sink = 0;
  FileSniffer sniffer(argv[1]);
  sniffer.sniff_loop([&](PDU &pdu) {
    n++;
    if (const IP *ip = pdu.find_pdu<IP>()) {
      sink += (uint32_t)ip->src_addr() + (uint32_t)ip->dst_addr();
      if (const UDP *udp = pdu.find_pdu<UDP>())
        sink += udp->sport() + udp->dport();
      else if (const TCP *tcp = pdu.find_pdu<TCP>())
        sink += tcp->sport() + tcp->dport();
    }
    return true;
  });
  std::cerr << n << " packets (" << sink << ")\n";
  return 0;
}
