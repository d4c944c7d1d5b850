// Package conformance holds only tests: the real AWS SDK for Go v2 driving an in-process
// Freshet server, one file per operation, with AWS's exact messages as golden files.
package conformance
