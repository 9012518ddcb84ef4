"""The zone set of the differential test: every alias shape canon chases.

Three zones served together: example.com, example.net and child.example.com
(delegated from example.com and served too); ext.example.com is delegated and
not served (a pure referral with glue).
"""

LONG_TARGET = "a" * 63 + "." + "b" * 63 + "." + "c" * 40 + ".example.net."  # 182 octets

EXAMPLE_COM = r"""
$ORIGIN example.com.
$TTL 3600
@        IN SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300
@        IN NS    ns1
@        IN NS    ns2.example.net.
@        IN MX    10 mail
@        IN MX    20 mx.example.net.
@        IN A     192.0.2.1
@        IN AAAA  2001:db8::1
@        IN TXT   "v=spf1 mx -all"
ns1      IN A     192.0.2.53
ns1      IN AAAA  2001:db8::53
mail     IN A     192.0.2.25
mail     IN AAAA  2001:db8::25
host     IN A     192.0.2.10
host     IN AAAA  2001:db8::10
host     IN TXT   "host" "two strings"
v6only   IN AAAA  2001:db8::66
MiXeD    IN A     192.0.2.77
MiXeD    IN TXT   "Mixed Case Owner"
mc       IN CNAME MiXeD.Example.COM.
short 60 IN A     192.0.2.11

; A chain: cN has N links and ends at host (c17, c18 exceed canon's 16).
c1       IN CNAME host
c2       IN CNAME c1
c3       IN CNAME c2
c4       IN CNAME c3
c5       IN CNAME c4
c6       IN CNAME c5
c7       IN CNAME c6
c8       IN CNAME c7
c9       IN CNAME c8
c10      IN CNAME c9
c11      IN CNAME c10
c12      IN CNAME c11
c13      IN CNAME c12
c14      IN CNAME c13
c15      IN CNAME c14
c16      IN CNAME c15
c17      IN CNAME c16
c18      IN CNAME c17
loop1    IN CNAME loop2
loop2    IN CNAME loop1
self     IN CNAME self

; Chains crossing zones: bN has N links, bouncing com <-> net.
www      IN CNAME web
web      IN CNAME cdn.example.net.
static   IN CNAME www
b1       IN CNAME host
b3       IN CNAME b2.example.net.
b5       IN CNAME b4.example.net.
b7       IN CNAME b6.example.net.
tonx     IN CNAME nothere.example.net.
toempty  IN CNAME b.ent
cout     IN CNAME www.example.org.
cout2    IN CNAME c2out.example.net.

; DNAME.
old  600 IN DNAME new.example.com.
new      IN A     192.0.2.80
x.new    IN A     192.0.2.81
x.new    IN TXT   "x below new"
*.new    IN A     192.0.2.82
w.new    IN CNAME host
legacy   IN CNAME x.old
beta     IN CNAME nothere.old
chw      IN CNAME w.old
dd       IN DNAME old.example.com.
tonet 300 IN DNAME example.net.
toalias  IN DNAME alias.example.com.
alias    IN CNAME host
dnx      IN DNAME nowhere.example.com.
dout     IN DNAME example.org.
longd    IN DNAME {long_target}
tochild  IN DNAME child.example.com.

; Wildcards.
*.wild   IN A     192.0.2.100
*.wild   IN TXT   "wildcard"
*.wild   IN MX    10 mail
sub.wild IN A     192.0.2.101
*.wc     IN CNAME host
*.wcx    IN CNAME cdn.example.net.
*.wcc    IN CNAME c6
*.wcd    IN CNAME x.old
toward   IN CNAME foo.wild

; Empty non-terminals.
a.b.ent  IN A     192.0.2.120
*.ent2   IN A     192.0.2.121
x.y.ent2 IN A     192.0.2.122
; RFC 4592 §4.9: *.went exists only as an empty non-terminal, and is a
; wildcard all the same: other.went gets NODATA, not NXDOMAIN.
host.*.went IN A  192.0.2.123
towent   IN CNAME other.went

; Services.
_sip._udp   IN SRV 10 60 5060 sip
sip         IN A     192.0.2.60
sip         IN AAAA  2001:db8::60
_xmpp._tcp  IN SRV 0 0 5222 xmpp.example.net.
_multi._tcp IN SRV 10 10 80 host
_multi._tcp IN SRV 20 10 80 mail
_multi._tcp IN SRV 30 0 80 nothere
mx2         IN MX  5 host
mx2         IN MX  10 nothere
mx2         IN MX  20 v6only

; A delegation not served here, with glue, and a served child.
ext       IN NS    ns1.ext
ext       IN NS    ns.example.net.
ns1.ext   IN A     192.0.2.200
ns1.ext   IN AAAA  2001:db8::200
child     IN NS    ns1.child
child     IN NS    ns1
ns1.child IN A     192.0.2.201
toext     IN CNAME www.ext.example.com.
tochildw  IN CNAME www.child.example.com.
tochildz  IN CNAME child.example.com.

; More than 512 octets: truncated without EDNS.
big      IN TXT   "big-01 ........................................"
big      IN TXT   "big-02 ........................................"
big      IN TXT   "big-03 ........................................"
big      IN TXT   "big-04 ........................................"
big      IN TXT   "big-05 ........................................"
big      IN TXT   "big-06 ........................................"
big      IN TXT   "big-07 ........................................"
big      IN TXT   "big-08 ........................................"
big      IN TXT   "big-09 ........................................"
big      IN TXT   "big-10 ........................................"
big      IN TXT   "big-11 ........................................"
big      IN TXT   "big-12 ........................................"
tobig    IN CNAME big
""".replace("{long_target}", LONG_TARGET)

EXAMPLE_NET = r"""
$ORIGIN example.net.
$TTL 7200
@    120 IN SOA   ns2 hostmaster.example.com. 7 7200 3600 1209600 600
@        IN NS    ns2
@        IN NS    ns1.example.com.
ns2      IN A     198.51.100.2
cdn      IN CNAME edge
edge     IN A     203.0.113.10
edge     IN A     203.0.113.11
edge     IN AAAA  2001:db8:cd::10
mx       IN A     203.0.113.25
xmpp     IN A     203.0.113.52
ns       IN A     203.0.113.53
b2       IN CNAME b1.example.com.
b4       IN CNAME b3.example.com.
b6       IN CNAME b5.example.com.
c2out    IN CNAME out.example.org.
back     IN DNAME new.example.com.
towild   IN CNAME foo.wild.example.com.
toold    IN CNAME y.old.example.com.
*.{long} IN A     203.0.113.99
""".replace("{long}", LONG_TARGET[: -len(".example.net.")])

CHILD = r"""
$ORIGIN child.example.com.
$TTL 3600
@        IN SOA   ns1 hostmaster.example.com. 3 7200 3600 1209600 300
@        IN NS    ns1
@        IN NS    ns1.example.com.
@        IN A     192.0.2.210
ns1      IN A     192.0.2.201
www      IN A     192.0.2.211
up       IN CNAME host.example.com.
"""

ZONES = {
    "example.com": EXAMPLE_COM,
    "example.net": EXAMPLE_NET,
    "child.example.com": CHILD,
}

# canon-checkzone warnings the zones provoke on purpose, as (owner, check id),
# compared as a set with what canon-checkzone prints: a missing or an extra
# warning fails the test. (ns1.child, the parent's glue for the served child,
# is named by the parent's NS at the cut and draws no warning.)
EXPECTED_WARNINGS = {
    ("c17.example.com.", "chain-too-long"),
    ("c18.example.com.", "chain-too-long"),
    ("loop1.example.com.", "cname-loop"),
    ("loop2.example.com.", "cname-loop"),
    ("self.example.com.", "cname-loop"),
}
