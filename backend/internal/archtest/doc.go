// Package archtest holds the tests of the module's dependency rules
// (CONVENTIONS.md): which packages may import what, and what must stay out
// of the Wasm binary. It has no code of its own.
package archtest
