// Package lint holds only tests: the house rules of ARCHITECTURE.md that a program can check
// (which package may import which, no NATS outside the store, no HTTP in the services).
package lint
