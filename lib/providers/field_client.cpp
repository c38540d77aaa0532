#include "providers/field_client.hpp"

#include <fmt/format.h>

namespace evalgate {

namespace {

class FieldClient final : public ModelClient {
public:
  FieldClient(std::string provider_id, std::string field)
    : m_provider_id(std::move(provider_id)), m_field(std::move(field))
  {
  }

  void complete(const CallInput& input, Done done) override
  {
    CallResult result;
    const Json* vars = input.vars;
    const auto it = vars != nullptr && vars->is_object() ? vars->find(m_field) : Json::const_iterator{};
    if (vars == nullptr || !vars->is_object() || it == vars->end()) {
      result.failure = FailureKind::config;
      result.error =
        fmt::format("case has no field '{}' (provider '{}' reads its output there)", m_field, m_provider_id);
    } else if (it->is_string()) {
      result.text = it->get<std::string>();
    } else if (!it->is_null()) {
      result.text = it->dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    done(std::move(result));
  }

private:
  std::string m_provider_id;
  std::string m_field;
};

} // namespace

Result<std::unique_ptr<ModelClient>> make_field_client(const ProviderSpec& spec)
{
  if (spec.field.empty()) {
    return fail(ErrorCategory::config, fmt::format("provider '{}' (type field) needs 'field'", spec.id),
                spec.location);
  }
  return std::unique_ptr<ModelClient>(std::make_unique<FieldClient>(spec.id, spec.field));
}

} // namespace evalgate
