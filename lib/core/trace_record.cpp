#include "core/trace_record.hpp"

namespace evalgate {

const char* trace_kind_name(TraceKind kind)
{
  switch (kind) {
  case TraceKind::llm:
    return "llm";
  case TraceKind::embedding:
    return "embedding";
  case TraceKind::retriever:
    return "retriever";
  case TraceKind::reranker:
    return "reranker";
  case TraceKind::tool:
    return "tool";
  case TraceKind::agent:
    return "agent";
  case TraceKind::chain:
    return "chain";
  case TraceKind::guardrail:
    return "guardrail";
  case TraceKind::evaluator:
    return "evaluator";
  case TraceKind::prompt:
    return "prompt";
  case TraceKind::other:
    return "other";
  }
  return "other";
}

const char* trace_status_name(TraceStatus status)
{
  switch (status) {
  case TraceStatus::unset:
    return "unset";
  case TraceStatus::ok:
    return "ok";
  case TraceStatus::error:
    return "error";
  }
  return "unset";
}

} // namespace evalgate
