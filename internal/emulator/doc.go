// Package emulator is a faithful, real HTTP server of the SIPStation
// number-inventory API v1 (shared/design/api.md), serving the wire types and
// error codes of package sipstation so that client, emulator and tests share
// one contract. It keeps its data in SQLite (modernc.org/sqlite), in memory or
// in a file that survives restarts.
package emulator
