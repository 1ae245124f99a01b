package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr returns the address of the client that sent r, as the key the
// rate limits count under: the peer of the connection (RemoteAddr), unless
// that peer is one of trusted (the operator's reverse proxies), in which
// case X-Forwarded-For is read from the right, skipping trusted proxies,
// and the first address that is not one is the client's. Entries left of
// it are the client's own claims and are never believed. An IPv6 address
// is cut to its /64, the block one host or household usually gets, so that
// one client cannot dodge the limits by changing the low bits.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := remoteIP(r.RemoteAddr)
	if !peer.IsValid() || !within(peer, trusted) {
		return block(peer)
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			ip, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				// A proxy of ours wrote something that is not an address:
				// the last hop we can vouch for is the client.
				return block(client)
			}
			client = ip.Unmap()
			if !within(client, trusted) {
				return block(client)
			}
		}
	}
	return block(client)
}

// remoteIP parses the IP of a RemoteAddr ("203.0.113.7:51234",
// "[2001:db8::1]:443"); the zero Addr when it is not one (a test's
// "pipe").
func remoteIP(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap().WithZone("")
}

func within(ip netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// block returns ip itself for IPv4 and its /64 network address for IPv6.
func block(ip netip.Addr) netip.Addr {
	if ip.Is6() {
		if p, err := ip.WithZone("").Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return ip
}
