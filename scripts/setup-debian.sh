#!/bin/sh
# Installs what craft needs to build and test on Debian 12 (run as root; uses apt-get).
set -eu
export DEBIAN_FRONTEND=noninteractive
# tshark (its package asks a debconf question about capture rights, hence
# noninteractive), libwireshark-dev and libwiretap-dev for the Wireshark
# plugin, wireshark-common for text2pcap, editcap and mergecap in its tests;
# tcpdump and ping make the real loopback captures `craft read` is tested on;
# clang and its libFuzzer and sanitizer runtimes build the fuzz targets;
# iproute2 (network namespaces, veth pairs), ethtool (checksum offload off)
# and dnsmasq-base (a DNS server and a listening TCP port to answer craft sr)
# run the send, sr and sniff tests between two namespaces.
packages="build-essential cmake pkg-config libglib2.0-dev libglib2.0-bin libpcap-dev libjson-glib-dev
tshark wireshark-common libwireshark-dev libwiretap-dev
tcpdump iputils-ping
iproute2 ethtool dnsmasq-base
clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends $missing
fi
