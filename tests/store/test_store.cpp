#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fake_model.hpp"
#include "flank/analysis/findings.hpp"
#include "flank/analysis/study_export.hpp"
#include "flank/core/error.hpp"
#include "flank/store/store.hpp"

using namespace flank;
using namespace flank::analysis;

namespace {

std::string temp_db(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("flank-store-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

std::string without_run_info(const std::string& json) {
  auto j = nlohmann::ordered_json::parse(json);
  j.erase("run_info");
  return j.dump(1);
}

const char* kFactorial = R"(
study: unit
design: full_factorial
factors:
  - {path: a.x, levels: [0, 0.2, 0.4]}
  - {path: a.y, levels: [0, 1]}
outputs: [p:corridor:day7, p:corridor, median_hours:vilnius, lost:red, escalation:flag]
)";

}  // namespace

TEST(Store, ChunksAreStoredOnceAndReadInOrder) {
  store::Store db(temp_db("chunks.db"));
  store::Study s;
  s.name = "x";
  s.kind = "sweep";
  s.design_yaml = "d";
  s.seed = 3;
  s.replications = 10;
  s.chunk = 5;
  s.outputs = "[]";
  const auto id = db.create_study(s, {{0, "builtin:a", "design", "[]", "[]", "pending"}});
  db.put_chunk(id, 0, {5, 5, {1, 2, 3}});
  db.put_chunk(id, 0, {0, 5, {4}});
  EXPECT_THROW(db.put_chunk(id, 0, {5, 5, {9}}), std::runtime_error);
  const auto chunks = db.chunks(id, 0);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].first, 0u);
  EXPECT_EQ(chunks[1].outcomes, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(db.chunk_firsts(id, 0), (std::vector<std::uint64_t>{0, 5}));
  const auto found = db.find_study("sweep", "d", 3, 10);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, id);
  EXPECT_FALSE(db.find_study("sweep", "d", 4, 10));
}

// Interrupting a sweep after any number of stored chunks and resuming gives the same export
// as running it straight through, and no replication is computed twice.
TEST(Store, ResumedSweepExportsTheSameBytes) {
  const Design design = parse_design(kFactorial, "unit.yaml");
  SweepOptions o;
  o.seed = 11;
  o.replications = 60;
  o.chunk = 25;  // uneven last chunk
  std::string reference_json, reference_csv;
  {
    store::Store db(temp_db("straight.db"));
    fake::FakeModel model;
    Sweep sweep(design, db, model, o);
    sweep.run();
    EXPECT_EQ(model.replications, 6u * 60);
    reference_json = without_run_info(export_json(db, sweep.study_id()));
    reference_csv = export_csv(db, sweep.study_id());
  }
  for (std::size_t stop : {0, 1, 7, 17}) {
    const auto path = temp_db("resumed.db");
    std::uint64_t computed = 0;
    {
      store::Store db(path);
      fake::FakeModel model;
      Sweep sweep(design, db, model, o);
      const auto units = sweep.pending();
      ASSERT_EQ(units.size(), 18u);
      for (std::size_t i = 0; i < stop; ++i) sweep.store(units[i], sweep.compute(units[i]));
      computed += model.replications;
    }
    store::Store db(path);
    fake::FakeModel model;
    o.resume = true;
    Sweep sweep(design, db, model, o);
    o.resume = false;
    EXPECT_TRUE(sweep.resumed());
    sweep.run();
    computed += model.replications;
    EXPECT_EQ(computed, 6u * 60) << "stopped after " << stop;
    EXPECT_EQ(without_run_info(export_json(db, sweep.study_id())), reference_json);
    EXPECT_EQ(export_csv(db, sweep.study_id()), reference_csv);
    EXPECT_EQ(db.study(sweep.study_id())->status, "done");
  }
}

TEST(Store, ExportHasMetricsWithWilsonIntervals) {
  const Design design = parse_design(kFactorial, "unit.yaml");
  store::Store db(temp_db("metrics.db"));
  fake::FakeModel model;
  SweepOptions o;
  o.replications = 400;
  Sweep sweep(design, db, model, o);
  sweep.run();
  const auto j = nlohmann::json::parse(export_json(db, sweep.study_id()));
  ASSERT_EQ(j["points"].size(), 6u);
  for (const auto& p : j["points"]) {
    const auto& m = p["metrics"]["p:corridor"];
    const double x = p["factors"][0], y = p["factors"][1];
    const double truth = 0.2 + 0.5 * x + 0.1 * y;
    EXPECT_LE(m["lo"].get<double>(), m["value"].get<double>());
    EXPECT_GE(m["hi"].get<double>(), m["value"].get<double>());
    // 99.99 % band: the fake model's true probability is inside almost surely.
    EXPECT_NEAR(m["value"].get<double>(), truth, 4 * std::sqrt(truth * (1 - truth) / 400));
    EXPECT_EQ(m["n"], 400);
  }
}

TEST(Store, VariantComparisonIsPairedUnderCommonRandomNumbers) {
  const Design design = parse_design(R"(
scenario: base.yaml
variants: [worse.yaml]
outputs: [p:corridor]
)",
                                     "v.yaml");
  store::Store db(temp_db("variants.db"));
  fake::FakeModel model;
  SweepOptions o;
  o.replications = 500;
  Sweep sweep(design, db, model, o);
  sweep.run();
  const auto c = compare_variants(db, sweep.study_id());
  ASSERT_EQ(c.size(), 1u);
  // The variant adds exactly 0.1 to the threshold on the same uniforms: the paired difference
  // is close to 0.1 and its interval is much narrower than an unpaired one would be.
  EXPECT_NEAR(c[0].difference, 0.1, 0.04);
  EXPECT_LT(c[0].difference_hi - c[0].difference_lo, 0.06);
  EXPECT_GT(c[0].difference_lo, 0);
}

TEST(Store, SaltelliStudyRanksFactors) {
  const Design design = parse_design(R"(
design: {kind: saltelli, base_samples: 64}
factors:
  - {path: a.x, range: [0, 1], label: strong}
  - {path: a.y, range: [0, 1], label: weak}
outputs: [p:corridor]
)",
                                     "s.yaml");
  store::Store db(temp_db("saltelli.db"));
  fake::FakeModel model;
  SweepOptions o;
  o.replications = 2000;
  o.chunk = 2000;
  Sweep sweep(design, db, model, o);
  sweep.run();
  const auto r = sensitivity(db, sweep.study_id(), 200);
  ASSERT_EQ(r.size(), 1u);
  // p = 0.2 + 0.5 x + 0.1 y: S_x = 25/26 ≈ 0.96, S_y = 1/26 ≈ 0.04 (up to Monte Carlo noise).
  EXPECT_NEAR(r[0].indices.first[0].value, 25.0 / 26, 0.1);
  EXPECT_NEAR(r[0].indices.total[1].value, 1.0 / 26, 0.08);
  ASSERT_TRUE(r[0].has_tornado);
  EXPECT_EQ(r[0].tornado.bars[0].factor, "strong");
  EXPECT_NEAR(r[0].tornado.bars[0].swing(), 0.5, 0.06);
}

TEST(Store, FindingsRenderVariantsWithPairedDifferences) {
  const Design design = parse_design(R"(# Worse against base.
study: cmp
scenario: base.yaml
variants: [worse.yaml]
outputs: [p:corridor, median_hours:corridor]
)",
                                     "v.yaml");
  store::Store db(temp_db("findings.db"));
  fake::FakeModel model;
  SweepOptions o;
  o.replications = 500;
  Sweep sweep(design, db, model, o);
  sweep.run();
  const std::string md = findings_markdown(db, "test store");
  EXPECT_NE(md.find("## cmp (study 1)"), std::string::npos) << md;
  EXPECT_NE(md.find("Worse against base."), std::string::npos);
  // The paired difference of about +10 points excludes zero and is flagged.
  EXPECT_NE(md.find("| worse.yaml | "), std::string::npos) << md;
  EXPECT_NE(md.find(" **"), std::string::npos) << md;
  EXPECT_NE(md.find("P(corridor within the horizon)"), std::string::npos);
}

// docs/findings.template.md: prose is copied verbatim around the studies it places, so a
// regeneration keeps it; the rest of the studies go where {{studies}} stands.
TEST(Store, FindingsTemplateKeepsProseAndPlacesStudies) {
  store::Store db(temp_db("findings-template.db"));
  fake::FakeModel model;
  SweepOptions o;
  o.replications = 50;
  for (const char* name : {"first", "second", "third"}) {
    const Design design = parse_design(std::string("study: ") + name +
                                           "\nscenario: base.yaml\nvariants: [worse.yaml]\n"
                                           "outputs: [p:corridor]\n",
                                       "v.yaml");
    Sweep(design, db, model, o).run();
  }
  const std::string tpl =
      "{{# a comment for the template's reader }}\n"
      "# Findings\n\n{{intro}}\n{{study second}}\n\n## Prose written by hand\n\n"
      "It stays *exactly* as written: {{not a placeholder}} inside a line.\n"
      "{{study missing}}\n{{studies}}\n";
  std::vector<std::string> missing;
  const std::string md = findings_markdown(db, "test store", tpl, "t.md", &missing);
  EXPECT_EQ(md.find("a comment"), std::string::npos) << md;
  EXPECT_TRUE(md.starts_with("# Findings\n\nGenerated by `flank findings`")) << md;
  EXPECT_NE(md.find("hand-written text belongs in the template"), std::string::npos);
  const auto second = md.find("## second (study 2)");
  const auto prose = md.find(
      "\n## Prose written by hand\n\nIt stays *exactly* as written: {{not a placeholder}} "
      "inside a line.\n");
  const auto first = md.find("## first (study 1)");
  const auto third = md.find("## third (study 3)");
  ASSERT_NE(second, std::string::npos) << md;
  ASSERT_NE(prose, std::string::npos) << md;
  ASSERT_NE(first, std::string::npos) << md;
  ASSERT_NE(third, std::string::npos) << md;
  EXPECT_LT(second, prose);
  EXPECT_LT(prose, first);
  EXPECT_LT(first, third);
  EXPECT_EQ(md.find("## second", second + 1), std::string::npos) << "placed once";
  EXPECT_NE(md.find("*(No finished study named `missing` in the store.)*"), std::string::npos);
  EXPECT_EQ(missing, std::vector<std::string>{"missing"});
  // Regenerating from the same store gives the same bytes.
  EXPECT_EQ(findings_markdown(db, "test store", tpl, "t.md"), md);
  // Without the template, the studies in store order, as before.
  EXPECT_EQ(findings_markdown(db, "test store").find("Prose"), std::string::npos);
  try {
    findings_markdown(db, "test store", "# x\n{{stuudy first}}\n", "t.md");
    ADD_FAILURE() << "an unknown placeholder is an error";
  } catch (const flank::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.md:2:1"), std::string::npos) << e.what();
  }
}
