#include "flank/analysis/outcome_codec.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace flank::analysis {
namespace {

// "FOT2": FOT1 plus held_at_end. FOT1 chunks lack it and are refused rather than read as
// "never held", which would be a silent wrong answer.
constexpr std::uint32_t kMagic = 0x464f5433;  // format 3: with the operational outcomes
constexpr std::uint32_t kMagicV2 = 0x464f5432;
constexpr std::uint32_t kMagicV1 = 0x464f5431;

class Writer {
 public:
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void doubles(const std::vector<double>& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    for (double d : v) f64(d);
  }
  void bytes(const std::vector<std::uint8_t>& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    out_.insert(out_.end(), v.begin(), v.end());
  }
  std::vector<std::uint8_t> take() { return std::move(out_); }

 private:
  std::vector<std::uint8_t> out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return v;
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(in_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  double f64() { return std::bit_cast<double>(u64()); }
  void doubles(std::vector<double>& v) {
    const auto n = u32();
    need(std::size_t{n} * 8);
    v.resize(n);
    for (auto& d : v) d = f64();
  }
  void bytes(std::vector<std::uint8_t>& v) {
    const auto n = u32();
    need(n);
    v.assign(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
             in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  void need(std::size_t n) const {
    if (in_.size() - pos_ < n) throw std::runtime_error("outcome chunk: truncated data");
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::uint8_t> encode_outcomes(std::span<const Outcome> outcomes) {
  Writer w;
  w.u32(kMagic);
  w.u64(outcomes.size());
  for (const auto& o : outcomes) {
    w.u64(o.replication);
    w.doubles(o.objective_hour);
    w.bytes(o.before_reinforcements);
    w.bytes(o.held_at_end);
    w.f64(o.decision_hour);
    w.f64(o.reinforcements_hour);
    for (const auto& side : o.territory)
      for (double t : side) w.f64(t);
    for (double v : o.personnel_lost) w.f64(v);
    for (double v : o.power_lost_fraction) w.f64(v);
    w.doubles(o.losses_by_category);
    w.bytes(o.escalation);
    w.doubles(o.escalation_hour);
    const Operations& ops = o.operations;
    for (int side = 0; side < kSides; ++side) {
      w.f64(ops.personnel_isolated[side]);
      w.f64(ops.personnel_captured[side]);
      w.f64(ops.pockets[side]);
    }
    w.f64(ops.regions_bypassed);
    for (double e : ops.engagements) w.f64(e);
  }
  return w.take();
}

std::vector<Outcome> decode_outcomes(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  const std::uint32_t magic = r.u32();
  if (magic == kMagicV1)
    throw std::runtime_error(
        "outcome chunk: written by an older flank (format 1, without held_at_end); run the study "
        "again into a new store");
  if (magic == kMagicV2)
    throw std::runtime_error(
        "outcome chunk: written by an older flank (format 2, before the operational layer); run "
        "the study again into a new store");
  if (magic != kMagic) throw std::runtime_error("outcome chunk: unknown format");
  const auto count = r.u64();
  if (count > bytes.size()) throw std::runtime_error("outcome chunk: bad count");
  std::vector<Outcome> out(count);
  for (auto& o : out) {
    o.replication = r.u64();
    r.doubles(o.objective_hour);
    r.bytes(o.before_reinforcements);
    r.bytes(o.held_at_end);
    o.decision_hour = r.f64();
    o.reinforcements_hour = r.f64();
    for (auto& side : o.territory)
      for (double& t : side) t = r.f64();
    for (double& v : o.personnel_lost) v = r.f64();
    for (double& v : o.power_lost_fraction) v = r.f64();
    r.doubles(o.losses_by_category);
    r.bytes(o.escalation);
    r.doubles(o.escalation_hour);
    Operations& ops = o.operations;
    for (int side = 0; side < kSides; ++side) {
      ops.personnel_isolated[side] = r.f64();
      ops.personnel_captured[side] = r.f64();
      ops.pockets[side] = r.f64();
    }
    ops.regions_bypassed = r.f64();
    for (double& e : ops.engagements) e = r.f64();
  }
  if (!r.done()) throw std::runtime_error("outcome chunk: trailing data");
  return out;
}

}  // namespace flank::analysis
