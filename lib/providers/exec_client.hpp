#pragma once
// providers/exec_client: the `exec` provider type. Per call it runs the user's command (argv as a
// list, no shell, so no variable ever reaches a shell) and the output is what the program writes
// to stdout, one trailing newline removed.
//
// The program gets on stdin one JSON object {"prompt": <last user message>, "messages":
// [{"role", "content"}...], "vars": {<the case's vars>}}, and every top-level scalar var (string,
// number, boolean, null) also as the environment variable EVALGATE_VAR_<NAME>, NAME upper-cased
// with every character outside [A-Z0-9_] replaced by '_' (a string holding a NUL byte or longer
// than 32 KiB is only on stdin: Linux caps one environment string at 128 KiB). It
// inherits evalgate's environment plus the `env` option.
//
// Options (ProviderSpec::options): `command` (required, a non-empty list of strings; argv[0]
// without '/' is looked up in PATH, with '/' it is relative to `cwd`), `cwd` (default: the folder
// of the suite file; relative = against that folder), `env` (a mapping of names to scalars).
// spec.timeout_ms bounds each call (the whole process group is killed: failure timeout);
// spec.max_concurrency (default 4) sizes the worker pool. Exit status != 0, death by a signal and
// stdout above 16 MiB are failures http_5xx (the application under test failed), with the exit
// code and the tail of stderr in the message; a program that cannot be started is failure config.
//
// complete() never blocks: calls queue for the pool and `done` runs on a pool thread. Thread-safe.
// Destroying the client waits for running calls; calls still queued get failure network.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

// Errors (config, at spec.location) name the provider id and the option key.
Result<std::unique_ptr<ModelClient>> make_exec_client(const ProviderSpec& spec);

} // namespace evalgate
