// AttributeBag (a span's attributes, with O(1) lookups) and flatten_into; see otel_span.hpp.

#include <algorithm>
#include <cstring>

#include "traces/otel_span.hpp"

namespace evalgate::traces {

std::uint64_t AttributeBag::fingerprint(std::string_view key)
{
  std::uint64_t tail = 0;
  const std::size_t n = std::min<std::size_t>(key.size(), 8);
  std::memcpy(&tail, key.data() + key.size() - n, n);
  return tail ^ (static_cast<std::uint64_t>(key.size()) << 56) ^ static_cast<unsigned char>(key.front());
}

void AttributeBag::note_key(std::string_view key)
{
  if (!m_indexed) {
    for (std::size_t i = 0; i + 1 < key.size(); ++i) {
      if (key[i] == '.' && key[i + 1] >= '0' && key[i + 1] <= '9') {
        m_indexed = true;
        break;
      }
    }
  }
  if (key.substr(0, 9) == "metadata.") {
    m_metadata_prefix = true;
  }
}

void AttributeBag::add(std::string key, Json value)
{
  const std::string& owned = *m_owned_keys.emplace_back(std::make_unique<std::string>(std::move(key)));
  note_key(owned);
  if (m_items.empty()) {
    m_items.reserve(24);
  }
  m_items.push_back(Item{owned.empty() ? 0 : fingerprint(owned), owned, {}, false, std::move(value), false});
  index_last();
}

namespace {

std::size_t slot_of(std::uint64_t tag, std::size_t slots)
{
  return static_cast<std::size_t>((tag * 0x9E3779B97F4A7C15ull) >> 57) & (slots - 1);
}

} // namespace

void AttributeBag::index_last()
{
  const std::size_t index = m_items.size() - 1;
  if (index >= k_indexed || m_items.back().key.empty()) {
    return;
  }
  for (std::size_t slot = slot_of(m_items.back().tag, k_slots);; slot = (slot + 1) & (k_slots - 1)) {
    if (m_slots[slot] == 0) {
      m_slots[slot] = static_cast<std::uint8_t>(index + 1);
      return;
    }
  }
}

void AttributeBag::add_text(std::string_view key, std::string_view text)
{
  note_key(key);
  if (m_items.empty()) {
    m_items.reserve(24);
  }
  m_items.push_back(Item{key.empty() ? 0 : fingerprint(key), key, text, true, Json(), false});
  index_last();
}

AttributeBag::Item* AttributeBag::find(std::string_view key)
{
  if (key.empty()) {
    return nullptr;
  }
  const std::uint64_t tag = fingerprint(key);
  for (std::size_t slot = slot_of(tag, k_slots); m_slots[slot] != 0; slot = (slot + 1) & (k_slots - 1)) {
    Item& item = m_items[m_slots[slot] - 1u];
    if (item.tag == tag && item.key == key) {
      return &item;
    }
  }
  for (std::size_t i = k_indexed; i < m_items.size(); ++i) {
    if (m_items[i].tag == tag && m_items[i].key == key) {
      return &m_items[i];
    }
  }
  return nullptr;
}

const Json& AttributeBag::materialise(Item& item)
{
  if (item.has_text) {
    item.value = std::string(item.text);
    item.has_text = false;
  }
  return item.value;
}

const Json* AttributeBag::get(std::string_view key)
{
  Item* it = find(key);
  if (it != nullptr) {
    it->read = true;
    return &materialise(*it);
  }
  return nullptr;
}

std::optional<std::string_view> AttributeBag::text(std::string_view key)
{
  Item* it = find(key);
  if (it == nullptr) {
    return std::nullopt;
  }
  it->read = true;
  if (it->has_text) {
    return it->text;
  }
  if (it->value.is_string()) {
    return std::string_view(it->value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

void AttributeBag::each_with_prefix(std::string_view prefix,
                                    const std::function<void(std::string_view, const Json&)>& visit)
{
  if (!(prefix == "metadata." ? m_metadata_prefix : m_indexed)) {
    return;
  }
  for (auto& item : m_items) {
    const std::string_view key = item.key;
    if (key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix) {
      item.read = true;
      visit(key.substr(prefix.size()), materialise(item));
    }
  }
}

bool AttributeBag::has_prefix(std::string_view prefix)
{
  return std::any_of(m_items.begin(), m_items.end(),
                     [&](const Item& item) { return item.key.substr(0, prefix.size()) == prefix; });
}

void AttributeBag::unread_into(Json& metadata, std::string_view prefix) const
{
  for (const auto& item : m_items) {
    if (!item.read) {
      std::string key = std::string(prefix);
      key += item.key;
      metadata.emplace(std::move(key), item.has_text ? Json(std::string(item.text)) : item.value);
    }
  }
}

void flatten_into(AttributeBag& bag, const std::string& prefix, const Json& value)
{
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      flatten_into(bag, prefix.empty() ? it.key() : prefix + "." + it.key(), it.value());
    }
    return;
  }
  const bool list_of_objects = value.is_array() && std::any_of(value.begin(), value.end(),
                                                               [](const Json& v) { return v.is_object(); });
  if (list_of_objects) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      flatten_into(bag, prefix + "." + std::to_string(i), value[i]);
    }
    return;
  }
  bag.add(prefix, value);
}

} // namespace evalgate::traces
