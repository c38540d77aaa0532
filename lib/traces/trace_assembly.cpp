// scorable_units: the units evalgate scores in one trace, with their retrieved context joined
// (traces.md §2.5 for GenAI, §3.3 for OpenInference; Langfuse and LangSmith retrievers follow the
// same tree rule). Retriever and reranker records already carry their own documents (the readers
// put them in retrieved_context); here they are attached to the LLM calls they fed.

#include "traces/trace_assembly.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace evalgate::traces {

namespace {

bool is_retrieval(const TraceRecord& record)
{
  return (record.kind == TraceKind::retriever || record.kind == TraceKind::reranker) &&
         !record.retrieved_context.empty();
}

class Trace {
public:
  explicit Trace(std::vector<TraceRecord>& records) : m_records(records)
  {
    for (std::size_t i = 0; i < records.size(); ++i) {
      m_by_id.emplace(records[i].span_id, i);
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& record = records[i];
      const bool orphan = record.parent_span_id.empty() || m_by_id.count(record.parent_span_id) == 0;
      if (orphan && (m_root < 0 || earlier(record, records[static_cast<std::size_t>(m_root)]))) {
        m_root = static_cast<long>(i);
      }
    }
  }

  const TraceRecord* root() const
  {
    return m_root < 0 ? nullptr : &m_records[static_cast<std::size_t>(m_root)];
  }
  long root_index() const { return m_root; }

  // The span ids of `record`'s ancestors (parent first), cycle-safe.
  std::set<std::string> ancestors(const TraceRecord& record) const
  {
    std::set<std::string> out;
    std::string parent = record.parent_span_id;
    while (!parent.empty() && out.insert(parent).second) {
      auto it = m_by_id.find(parent);
      if (it == m_by_id.end()) {
        break;
      }
      parent = m_records[it->second].parent_span_id;
    }
    return out;
  }

  bool is_descendant(const TraceRecord& record, const std::string& ancestor_id) const
  {
    return ancestors(record).count(ancestor_id) > 0;
  }

  static bool earlier(const TraceRecord& a, const TraceRecord& b)
  {
    if (a.start_unix_nano != b.start_unix_nano) {
      return a.start_unix_nano < b.start_unix_nano;
    }
    return a.span_id < b.span_id;
  }

private:
  std::vector<TraceRecord>& m_records;
  std::multimap<std::string, std::size_t> m_by_id;
  long m_root = -1;
};

// Retriever documents ordered by score (descending, unscored last, stable), one per doc id, with
// a reranker's order and scores winning when one took part (content joined by id).
std::vector<RetrievedDocument> join_documents(const std::vector<const TraceRecord*>& sources)
{
  std::vector<const TraceRecord*> ordered = sources;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const TraceRecord* a, const TraceRecord* b) { return Trace::earlier(*a, *b); });
  const TraceRecord* reranker = nullptr;
  std::map<std::string, std::string> content_by_id;
  std::vector<RetrievedDocument> docs;
  for (const TraceRecord* source : ordered) {
    if (source->kind == TraceKind::reranker) {
      reranker = source;
    }
    for (const auto& doc : source->retrieved_context) {
      if (!doc.content.empty() && !doc.doc_id.empty()) {
        content_by_id.emplace(doc.doc_id, doc.content);
      }
      if (source->kind == TraceKind::retriever) {
        docs.push_back(doc);
      }
    }
  }
  if (reranker != nullptr) {
    docs = reranker->retrieved_context; // already in the reranker's order
  } else {
    std::stable_sort(docs.begin(), docs.end(), [](const RetrievedDocument& a, const RetrievedDocument& b) {
      if (a.score.has_value() != b.score.has_value()) {
        return a.score.has_value();
      }
      return a.score.has_value() && *a.score > *b.score;
    });
    std::set<std::string> seen;
    std::vector<RetrievedDocument> unique;
    for (auto& doc : docs) {
      if (doc.doc_id.empty() || seen.insert(doc.doc_id).second) {
        unique.push_back(std::move(doc));
      }
    }
    docs = std::move(unique);
  }
  int rank = 0;
  for (auto& doc : docs) {
    doc.rank = rank++;
    if (doc.content.empty()) {
      auto it = content_by_id.find(doc.doc_id);
      if (it != content_by_id.end()) {
        doc.content = it->second;
      }
    }
  }
  return docs;
}

// When no joined document has content (GenAI retrieval documents are {id, score} only), the
// context the model saw is its prompt (traces.md §2.5 step 3), marked with metadata.source "prompt".
void add_prompt_fallback(TraceRecord& unit)
{
  const bool any_content = std::any_of(unit.retrieved_context.begin(), unit.retrieved_context.end(),
                                       [](const RetrievedDocument& doc) { return !doc.content.empty(); });
  if (unit.retrieved_context.empty() || any_content) {
    return;
  }
  std::string prompt = unit.system_instructions;
  for (const auto& message : unit.input_messages) {
    if (message.role != "system" && !message.text.empty()) {
      prompt += (prompt.empty() ? "" : "\n") + message.text;
    }
  }
  if (prompt.empty()) {
    return;
  }
  RetrievedDocument doc;
  doc.doc_id = "prompt";
  doc.content = std::move(prompt);
  doc.rank = static_cast<int>(unit.retrieved_context.size());
  doc.source_span_id = unit.span_id;
  doc.metadata = Json{{"source", "prompt"}};
  unit.retrieved_context.push_back(std::move(doc));
}

} // namespace

std::vector<TraceRecord> scorable_units(std::vector<TraceRecord> spans)
{
  std::stable_sort(spans.begin(), spans.end(), Trace::earlier);
  const Trace trace(spans);
  std::vector<const TraceRecord*> retrievals;
  for (const auto& record : spans) {
    if (is_retrieval(record)) {
      retrievals.push_back(&record);
    }
  }

  // Pass 1 decides each unit's context while every record is intact; pass 2 moves the units out.
  struct Plan {
    std::size_t index = 0;
    bool is_root = false;
    bool joined = false;
    std::vector<RetrievedDocument> context;
  };
  std::vector<Plan> plans;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const TraceRecord& record = spans[i];
    const bool is_root = static_cast<long>(i) == trace.root_index();
    if (record.kind != TraceKind::llm && record.kind != TraceKind::agent && !is_root) {
      continue;
    }
    Plan plan;
    plan.index = i;
    plan.is_root = is_root;
    if (record.retrieved_context.empty()) {
      std::vector<const TraceRecord*> chosen;
      if (record.kind == TraceKind::llm) {
        // Retrievals that ended before the call started and hang under one of its ancestors;
        // failing that, any retrieval that started before it.
        const auto ancestors = trace.ancestors(record);
        for (const TraceRecord* r : retrievals) {
          const bool before = r->end_unix_nano == 0 || record.start_unix_nano == 0 ||
                              r->end_unix_nano <= record.start_unix_nano;
          if (before && ancestors.count(r->parent_span_id) > 0) {
            chosen.push_back(r);
          }
        }
        if (chosen.empty()) {
          for (const TraceRecord* r : retrievals) {
            if (r->start_unix_nano <= record.start_unix_nano) {
              chosen.push_back(r);
            }
          }
        }
      } else {
        // An agent run (or the root) is answerable to everything retrieved beneath it.
        for (const TraceRecord* r : retrievals) {
          if (is_root || trace.is_descendant(*r, record.span_id)) {
            chosen.push_back(r);
          }
        }
      }
      plan.context = join_documents(chosen);
      plan.joined = true;
    }
    plans.push_back(std::move(plan));
  }

  // Trace-level facts usually sit on the root span only (conversation, user, route).
  TraceRecord root_facts;
  if (const TraceRecord* root = trace.root()) {
    root_facts.input_text = root->input_text;
    root_facts.output_text = root->output_text;
    root_facts.session_id = root->session_id;
    root_facts.user_id = root->user_id;
    root_facts.tags = root->tags;
    root_facts.metadata = root->metadata;
  }
  std::vector<TraceRecord> units;
  units.reserve(plans.size());
  for (auto& plan : plans) {
    TraceRecord unit = std::move(spans[plan.index]);
    if (plan.joined) {
      unit.retrieved_context = std::move(plan.context);
      add_prompt_fallback(unit);
    }
    if (trace.root() != nullptr && !plan.is_root) {
      const bool failed = unit.status == TraceStatus::error;
      if (unit.input_text.empty() && unit.input_messages.empty()) {
        unit.input_text = root_facts.input_text;
      }
      if (!failed && unit.output_text.empty() && unit.output_messages.empty()) {
        unit.output_text = root_facts.output_text;
      }
      if (unit.session_id.empty()) {
        unit.session_id = root_facts.session_id;
      }
      if (unit.user_id.empty()) {
        unit.user_id = root_facts.user_id;
      }
      if (unit.tags.empty()) {
        unit.tags = root_facts.tags;
      }
      for (auto it = root_facts.metadata.begin(); it != root_facts.metadata.end(); ++it) {
        if (!unit.metadata.contains(it.key())) {
          unit.metadata[it.key()] = it.value();
        }
      }
    }
    units.push_back(std::move(unit));
  }
  return units;
}

} // namespace evalgate::traces
