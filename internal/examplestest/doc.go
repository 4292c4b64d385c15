// Package examplestest holds no code, only the test that keeps examples/
// honest: every example directory is `terraform fmt` clean and passes
// `terraform validate` against the provider built from this tree, because the
// documentation in docs/ embeds those files verbatim.
package examplestest
