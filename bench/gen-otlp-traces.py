#!/usr/bin/env python3
"""Writes N MB of realistic synthetic OTLP/JSON trace export (collector file-exporter JSON lines).

Usage: gen-otlp-traces.py OUT.jsonl SIZE_MB [SEED]

Each trace is a RAG support-bot request: an invoke_agent root, a retrieval span (documents with
content, as a JSON-string attribute), an embeddings span, sometimes a tool call (execute_tool plus a
chat turn that requests it), and a final chat span with system instructions and input/output
messages in the GenAI v1.41 shape (some as structured arrayValue/kvlistValue). Several services,
routes and models; about 3% of traces end in a 429 error (status 2, error.type, exception event),
some use the legacy gen_ai.system + gen_ai.prompt event shape, some ids are uppercase hex.
Spans are emitted in end-time order and batched ~40 per line, as the collector batches by time,
so a trace's spans spread over consecutive lines and one line holds several traces. Deterministic
for a seed. Bench data only: the build and the tests never run Python.
"""
import json
import random
import sys

MODELS = [("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", "openai"), ("gpt-4o", "gpt-4o-2024-08-06", "openai"),
          ("claude-3-5-haiku", "claude-3-5-haiku-20241022", "anthropic"),
          ("gemini-2.0-flash", "gemini-2.0-flash", "gcp.gemini")]
ROUTES = ["/support/chat", "/support/email", "/billing/chat", "/sales/assist", "/docs/search"]
SERVICES = [("helpdesk-copilot", "2.14.0"), ("helpdesk-copilot", "2.9.3"), ("billing-bot", "1.4.1")]
TIERS = ["free", "pro", "enterprise"]
WORDS = ("account password reset link expires minutes workspace admin settings users export projects zip json "
         "archive download valid days split parts billing annual monthly plan renewal refund cancel credit invoice "
         "charge duplicate reversal ticket status waiting customer screenshot error dialog sso certificate saml "
         "login rotate identity provider metadata domain verify email recovery codes device security policy").split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def para(rng, sentences, words=14):
    return " ".join(sentence(rng, rng.randint(words - 4, words + 4)) for _ in range(sentences))


def hexid(rng, nbytes, upper=False):
    s = "%0*x" % (nbytes * 2, rng.getrandbits(nbytes * 8))
    return s.upper() if upper else s


def s(key, value):
    return {"key": key, "value": {"stringValue": value}}


def i(key, value):
    return {"key": key, "value": {"intValue": str(value)}}


def d(key, value):
    return {"key": key, "value": {"doubleValue": value}}


def kv(obj):
    if isinstance(obj, dict):
        return {"kvlistValue": {"values": [{"key": k, "value": kv(v)} for k, v in obj.items()]}}
    if isinstance(obj, list):
        return {"arrayValue": {"values": [kv(v) for v in obj]}}
    if isinstance(obj, bool):
        return {"boolValue": obj}
    if isinstance(obj, int):
        return {"intValue": str(obj)}
    if isinstance(obj, float):
        return {"doubleValue": obj}
    return {"stringValue": str(obj)}


def span(trace_id, span_id, parent, name, kind, start, end, attrs, status=None, events=None):
    out = {"traceId": trace_id, "spanId": span_id, "parentSpanId": parent, "flags": 257, "name": name,
           "kind": kind, "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": attrs,
           "status": status or {}}
    if events:
        out["events"] = events
    return out


def make_trace(rng, t0):
    upper = rng.random() < 0.1
    trace_id = hexid(rng, 16, upper)
    root_id = hexid(rng, 8, upper)
    service = rng.choice(SERVICES)
    route = rng.choice(ROUTES)
    req_model, resp_model, provider = rng.choice(MODELS)
    question = sentence(rng, rng.randint(10, 24)).rstrip(".") + "?"
    error = rng.random() < 0.03
    legacy = rng.random() < 0.15
    structured = rng.random() < 0.2
    spans = []
    t = t0 + rng.randint(100_000, 2_000_000)
    # retrieval + embeddings
    ret_id = hexid(rng, 8, upper)
    docs = [{"id": "kb-%04d" % rng.randint(0, 9999), "score": round(rng.uniform(0.3, 0.95), 3),
             "content": para(rng, rng.randint(2, 4))} for _ in range(rng.randint(2, 4))]
    r_start = t
    r_end = r_start + rng.randint(50, 300) * 1_000_000
    emb_start = r_start + 1_000_000
    emb_end = emb_start + rng.randint(30, 150) * 1_000_000
    spans.append(span(trace_id, hexid(rng, 8, upper), ret_id, "embeddings text-embedding-3-small", 3, emb_start,
                      emb_end, [s("gen_ai.operation.name", "embeddings"), s("gen_ai.provider.name", "openai"),
                                s("gen_ai.request.model", "text-embedding-3-small"),
                                i("gen_ai.usage.input_tokens", rng.randint(10, 40))]))
    spans.append(span(trace_id, ret_id, root_id, "retrieval kb-articles-v3", 3, r_start, r_end,
                      [s("gen_ai.operation.name", "retrieval"), s("gen_ai.data_source.id", "kb-articles-v3"),
                       d("gen_ai.request.top_k", 4.0), s("gen_ai.retrieval.query.text", question),
                       s("gen_ai.retrieval.documents", json.dumps(docs))]))
    t = r_end + rng.randint(1, 10) * 1_000_000
    context = "\n".join("[%s] %s" % (doc["id"], doc["content"]) for doc in docs)
    system = "You are Northwind Cloud's support assistant. Answer only from the provided context; if it is not there, say so and offer a ticket."
    messages = [{"role": "user", "parts": [{"type": "text", "content": "Context:\n%s\n\nQuestion: %s" % (context, question)}]}]
    # optional tool turn
    if rng.random() < 0.3:
        call_id = "call_" + hexid(rng, 8)
        c_start, c_end = t, t + rng.randint(300, 900) * 1_000_000
        spans.append(span(trace_id, hexid(rng, 8, upper), root_id, "chat " + req_model, 3, c_start, c_end,
                          [s("gen_ai.operation.name", "chat"), s("gen_ai.provider.name", provider),
                           s("gen_ai.request.model", req_model), s("gen_ai.response.model", resp_model),
                           i("gen_ai.usage.input_tokens", rng.randint(200, 900)),
                           i("gen_ai.usage.output_tokens", rng.randint(10, 40)),
                           s("gen_ai.input.messages", json.dumps(messages)),
                           s("gen_ai.output.messages", json.dumps([{"role": "assistant", "parts": [
                               {"type": "tool_call", "id": call_id, "name": "get_ticket_status",
                                "arguments": {"ticket_id": str(rng.randint(10000, 99999))}}],
                               "finish_reason": "tool_call"}]))]))
        x_start, x_end = c_end + 1_000_000, c_end + rng.randint(20, 200) * 1_000_000
        result = {"status": rng.choice(["open", "waiting_on_customer", "closed"]), "note": sentence(rng, 12)}
        spans.append(span(trace_id, hexid(rng, 8, upper), root_id, "execute_tool get_ticket_status", 1, x_start,
                          x_end, [s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "get_ticket_status"),
                                  s("gen_ai.tool.call.id", call_id), s("gen_ai.tool.call.arguments", "{}"),
                                  s("gen_ai.tool.call.result", json.dumps(result))]))
        messages.append({"role": "tool", "parts": [{"type": "tool_call_response", "id": call_id, "response": result}]})
        t = x_end + 1_000_000
    # final chat
    c_start = t
    c_end = c_start + rng.randint(500, 4000) * 1_000_000
    answer = para(rng, rng.randint(2, 5))
    attrs = [s("gen_ai.operation.name", "chat"), s("gen_ai.request.model", req_model),
             d("gen_ai.request.temperature", 0.2), s("server.address", "api.example.com"), i("server.port", 443)]
    events = None
    status = None
    if legacy:
        attrs.append(s("gen_ai.system", provider))
        events = [{"timeUnixNano": str(c_start), "name": "gen_ai.content.prompt", "attributes": [
            s("gen_ai.prompt", json.dumps([{"role": "system", "content": system},
                                           {"role": "user", "content": messages[0]["parts"][0]["content"]}]))]}]
    else:
        attrs.append(s("gen_ai.provider.name", provider))
        if structured:
            attrs.append({"key": "gen_ai.system_instructions", "value": kv([{"type": "text", "content": system}])})
            attrs.append({"key": "gen_ai.input.messages", "value": kv(messages)})
        else:
            attrs.append(s("gen_ai.system_instructions", json.dumps([{"type": "text", "content": system}])))
            attrs.append(s("gen_ai.input.messages", json.dumps(messages)))
    if error:
        status = {"code": 2, "message": "Error code: 429 - rate limit reached for %s" % req_model}
        attrs.append(s("error.type", "RateLimitError"))
        events = (events or []) + [{"timeUnixNano": str(c_end), "name": "exception", "attributes": [
            s("exception.type", "openai.RateLimitError"), s("exception.message", status["message"])]}]
    else:
        attrs += [s("gen_ai.response.model", resp_model), i("gen_ai.usage.input_tokens", rng.randint(300, 1500)),
                  i("gen_ai.usage.output_tokens", rng.randint(20, 300)),
                  i("gen_ai.usage.cache_read.input_tokens", rng.choice([0, 0, 128, 256, 512])),
                  s("gen_ai.output.messages", json.dumps([{"role": "assistant", "parts": [
                      {"type": "text", "content": answer}], "finish_reason": "stop"}]))]
    spans.append(span(trace_id, hexid(rng, 8, upper), root_id, "chat " + req_model, 3, c_start, c_end, attrs,
                      status, events))
    root_end = c_end + rng.randint(1, 20) * 1_000_000
    root_attrs = [s("gen_ai.operation.name", "invoke_agent"), s("gen_ai.agent.name", service[0]),
                  s("gen_ai.conversation.id", "conv_%s" % hexid(rng, 8)),
                  s("user.id", "u_%s" % hexid(rng, 3)), s("app.route", route),
                  s("app.customer_tier", rng.choice(TIERS))]
    root_status = None
    if error:
        root_status = {"code": 2, "message": "upstream LLM call failed: RateLimitError"}
        root_attrs.append(s("error.type", "RateLimitError"))
    spans.append(span(trace_id, root_id, "", "invoke_agent " + service[0], 1, t0, root_end, root_attrs, root_status))
    return service, spans


def request(service, spans):
    return {"resourceSpans": [{"resource": {"attributes": [
        s("service.name", service[0]), s("service.version", service[1]),
        s("deployment.environment.name", "production")]},
        "scopeSpans": [{"scope": {"name": "opentelemetry.instrumentation.openai_v2", "version": "2.3b0"},
                        "spans": spans}]}]}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_path, size_mb = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    target = int(size_mb * 1024 * 1024)
    written = 0
    t0 = 1_787_061_800_000_000_000
    pending = {}  # service -> spans waiting for a batch
    traces = 0
    with open(out_path, "w", encoding="utf-8") as out:
        while written < target:
            service, spans = make_trace(rng, t0)
            traces += 1
            t0 += rng.randint(5, 50) * 1_000_000
            queue = pending.setdefault(service, [])
            queue.extend(spans)
            batch = rng.randint(30, 50)
            while len(queue) >= batch:
                line = json.dumps(request(service, queue[:batch]), separators=(",", ":")) + "\n"
                del queue[:batch]
                out.write(line)
                written += len(line.encode("utf-8"))
        for service, queue in pending.items():
            if queue:
                line = json.dumps(request(service, queue), separators=(",", ":")) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
    print("%s: %.1f MB, %d traces" % (out_path, written / 1048576, traces), file=sys.stderr)


if __name__ == "__main__":
    main()
