// Package registry is ikrar's domain: organizations, rosters, declaration
// events, pledge versions, signatures and revocations, and the rules that bind
// them (one signature per employee per event, the signing window, revocation
// as an append). It imports no web, SQL or PDF package; storage, HTTP and
// rendering depend on it.
package registry
