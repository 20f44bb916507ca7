// W1 with libtins: EthernetII/IP/UDP/RawPDU, sport varying, serialised (checksums computed) into a pcap.
#include <tins/tins.h>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace Tins;

int main(int argc, char **argv) {
  if (argc != 5) {
    std::cerr << "usage: " << argv[0] << " FIRST_SPORT MEMBERS ROUNDS OUT.pcap\n";
    return 2;
  }
  unsigned first = std::atoi(argv[1]), members = std::atoi(argv[2]);
  long rounds = std::atol(argv[3]);
  PacketWriter writer(argv[4], DataLinkType<EthernetII>());
  EthernetII pkt = EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb") / IP("198.51.100.2", "192.0.2.1") /
                   UDP(40000, 0) / RawPDU(std::string("abcdefghijklmnopqr"));
  pkt.rfind_pdu<IP>().id(1);
  pkt.rfind_pdu<IP>().ttl(64);
  for (long r = 0; r < rounds; r++)
    for (unsigned m = 0; m < members; m++) {
      pkt.rfind_pdu<UDP>().sport(first + m);
      writer.write(pkt);  // serialises, computing lengths and checksums
    }
  return 0;
}
