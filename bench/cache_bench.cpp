// cache_bench: IncrementalMap against std::unordered_map and absl::flat_hash_map, in one
// process, interleaved run by run so that all three see the same machine state.
// Measures ns/op (insert without reserve, lookup hit, lookup miss, erase), per-insert
// latency percentiles and the worst single insert, bytes per entry through a counting
// allocator, and memory during the last growth (allocator-counted and resident).
// Prints a table with the goals of issue #2 and writes the figures as JSON.
#include <absl/container/flat_hash_map.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "hpad/cache/counting_memory.h"
#include "hpad/cache/incremental_map.h"

namespace {

using hpad::cache::CountingMemory;

// A std allocator that counts through the same counters as the map's CountingMemory.
template <class T>
struct CountingAllocator {
  using value_type = T;
  CountingAllocator() = default;
  template <class U>
  CountingAllocator(const CountingAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(std::size_t n) { return static_cast<T*>(CountingMemory::allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T* p, std::size_t n) { CountingMemory::deallocate(p, n * sizeof(T), alignof(T)); }
  template <class U>
  bool operator==(const CountingAllocator<U>&) const {
    return true;
  }
};

template <class K>
using Ours = hpad::cache::IncrementalMap<K, std::uint64_t, hpad::cache::Hash<K>, std::equal_to<>, CountingMemory>;
template <class K>
using Absl = absl::flat_hash_map<K, std::uint64_t, absl::Hash<K>, std::equal_to<K>,
                                 CountingAllocator<std::pair<const K, std::uint64_t>>>;
template <class K>
using Std = std::unordered_map<K, std::uint64_t, std::hash<K>, std::equal_to<K>,
                               CountingAllocator<std::pair<const K, std::uint64_t>>>;

template <class K>
bool contains(const Ours<K>& m, const K& k) {
  return m.find(k) != nullptr;
}
template <class Map, class K>
bool contains(const Map& m, const K& k) {
  return m.find(k) != m.end();
}
template <class K>
std::size_t growth_marker(const Ours<K>& m) {
  return m.growing() ? 1 : 0;
}
template <class K>
std::size_t growth_marker(const Absl<K>& m) {
  return m.capacity();
}
template <class K>
std::size_t growth_marker(const Std<K>& m) {
  return m.bucket_count();
}

double tsc_per_ns() {
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t c0 = __rdtsc();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100)) {
  }
  const auto t1 = std::chrono::steady_clock::now();
  const std::uint64_t c1 = __rdtsc();
  return static_cast<double>(c1 - c0) /
         static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0;
  std::size_t pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * 4096;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct RunFigures {
  double insert_ns = 0, hit_ns = 0, miss_ns = 0, erase_ns = 0;
  double p50_ns = 0, p99_ns = 0, p999_ns = 0, p9999_ns = 0, max_ns = 0;
  double bytes_per_entry = 0;
  double growth_peak_ratio = 0;           // allocator-counted peak during the last growth / after it
  double growth_resident_peak_ratio = 0;  // the same, in resident memory
};

template <class K>
struct Keys {
  std::vector<K> insert;  // in insertion order
  std::vector<K> lookup;  // the same keys, shuffled
  std::vector<K> miss;    // keys that were never inserted
};

// One run of every measurement for one container type.
template <class Map, class K>
RunFigures run_once(const Keys<K>& keys, double tsc_ns) {
  RunFigures f;
  const std::size_t n = keys.insert.size();
  const double dn = static_cast<double>(n);
  {  // Per-insert latency, each insert timed on its own.
    std::vector<std::uint32_t> latency(n);
    Map m;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t c0 = __rdtsc();
      m.insert_or_assign(keys.insert[i], i);
      const std::uint64_t c1 = __rdtsc();
      latency[i] = static_cast<std::uint32_t>(std::min<std::uint64_t>(c1 - c0, UINT32_MAX));
    }
    auto pct = [&](double q) {
      auto at = latency.begin() + static_cast<std::ptrdiff_t>(std::min(dn - 1, q * dn));
      std::nth_element(latency.begin(), at, latency.end());
      return static_cast<double>(*at) / tsc_ns;
    };
    f.p50_ns = pct(0.50);
    f.p99_ns = pct(0.99);
    f.p999_ns = pct(0.999);
    f.p9999_ns = pct(0.9999);
    f.max_ns = static_cast<double>(*std::max_element(latency.begin(), latency.end())) / tsc_ns;
  }
  {  // Throughput, and memory.
    const std::size_t base = CountingMemory::live_bytes.load();
    Map m;
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      m.insert_or_assign(keys.insert[i], i);
    }
    f.insert_ns = seconds_since(t0) * 1e9 / dn;
    f.bytes_per_entry = static_cast<double>(CountingMemory::live_bytes.load() - base) / dn;

    std::size_t hits = 0;
    t0 = std::chrono::steady_clock::now();
    for (const K& k : keys.lookup) {
      hits += static_cast<std::size_t>(contains(m, k));  // checked below: the loop cannot be dropped
    }
    f.hit_ns = seconds_since(t0) * 1e9 / dn;

    std::size_t misses = 0;
    t0 = std::chrono::steady_clock::now();
    for (const K& k : keys.miss) {
      misses += static_cast<std::size_t>(!contains(m, k));
    }
    f.miss_ns = seconds_since(t0) * 1e9 / dn;

    t0 = std::chrono::steady_clock::now();
    for (const K& k : keys.lookup) {
      m.erase(k);
    }
    f.erase_ns = seconds_since(t0) * 1e9 / dn;
    if (hits != n || misses != n || !m.empty()) {
      std::fprintf(stderr, "cache_bench: %zu hits, %zu misses, %zu left of %zu: a table is wrong\n", hits, misses,
                   m.size(), n);
      std::exit(1);
    }
  }
  {  // Memory during the last growth: allocator peak and resident peak, against the state
     // right after that growth. Untimed: it reads the counters after every insert.
    const std::size_t rss_base = resident_bytes();
    Map m;
    std::size_t last_start = 0;
    std::size_t last_end = 0;
    std::size_t marker = growth_marker(m);
    struct Window {
      std::size_t peak = 0, after = 0, rss_peak = 0, rss_after = 0;
    } current, last;
    bool in_growth = false;
    for (std::size_t i = 0; i < n; ++i) {
      CountingMemory::reset_peak();
      m.insert_or_assign(keys.insert[i], i);
      const std::size_t now_marker = growth_marker(m);
      const bool growing_now = std::is_same_v<Map, Ours<K>> ? now_marker == 1 : false;
      const bool event = now_marker != marker;  // absl/std: a rehash happened in this insert
      marker = now_marker;
      if (!in_growth && (growing_now || event)) {
        in_growth = true;
        last_start = i;
        current = Window{};
      }
      if (in_growth) {
        current.peak = std::max(current.peak, CountingMemory::peak_bytes.load());
        if ((i - last_start) % 1024 == 0) {
          current.rss_peak = std::max(current.rss_peak, resident_bytes());
        }
        if (!growing_now) {
          in_growth = false;
          last_end = i;
          current.after = CountingMemory::live_bytes.load();
          current.rss_after = resident_bytes();
          current.rss_peak = std::max(current.rss_peak, current.rss_after);
          last = current;
        }
      }
    }
    (void)last_end;
    f.growth_peak_ratio = last.after == 0 ? 0 : static_cast<double>(last.peak) / static_cast<double>(last.after);
    if constexpr (std::is_same_v<Map, Ours<K>>) {
      const double rss_after = static_cast<double>(last.rss_after) - static_cast<double>(rss_base);
      f.growth_resident_peak_ratio =
          rss_after <= 0 ? 0 : (static_cast<double>(last.rss_peak) - static_cast<double>(rss_base)) / rss_after;
    } else {
      // Their rehash runs inside one insert, out of reach of sampling; it writes every byte
      // it allocates (control bytes, moved slots, nodes), so resident peak = allocator peak.
      f.growth_resident_peak_ratio = f.growth_peak_ratio;
    }
  }
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
double minimum(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}

// Every figure of a run, by the name it has in the table and the JSON.
constexpr std::pair<const char*, double RunFigures::*> kMetrics[] = {
    {"insert_ns", &RunFigures::insert_ns},
    {"hit_ns", &RunFigures::hit_ns},
    {"miss_ns", &RunFigures::miss_ns},
    {"erase_ns", &RunFigures::erase_ns},
    {"p50_ns", &RunFigures::p50_ns},
    {"p99_ns", &RunFigures::p99_ns},
    {"p99.9_ns", &RunFigures::p999_ns},
    {"p99.99_ns", &RunFigures::p9999_ns},
    {"max_ns", &RunFigures::max_ns},
    {"bytes_per_entry", &RunFigures::bytes_per_entry},
    {"growth_peak_ratio", &RunFigures::growth_peak_ratio},
    {"growth_resident_peak_ratio", &RunFigures::growth_resident_peak_ratio},
};

struct Series {
  std::map<std::string, std::vector<double>> by_metric;
  void add(const RunFigures& f) {
    for (const auto& [name, member] : kMetrics) {
      by_metric[name].push_back(f.*member);
    }
  }
  // The worst insert is summarised as the minimum over runs of each run's maximum (issue #2);
  // everything else as the median over runs.
  double summary(const std::string& metric) const {
    const auto& v = by_metric.at(metric);
    return metric == "max_ns" ? minimum(v) : median(v);
  }
};

const char* const kContainers[] = {"IncrementalMap", "absl::flat_hash_map", "std::unordered_map"};

template <class K>
std::map<std::string, Series> run_workload(const Keys<K>& keys, int runs, double tsc_ns, const char* label) {
  std::map<std::string, Series> out;
  for (int r = 0; r < runs; ++r) {
    std::fprintf(stderr, "  %s: run %d/%d\n", label, r + 1, runs);
    out[kContainers[0]].add(run_once<Ours<K>, K>(keys, tsc_ns));
    out[kContainers[1]].add(run_once<Absl<K>, K>(keys, tsc_ns));
    out[kContainers[2]].add(run_once<Std<K>, K>(keys, tsc_ns));
  }
  return out;
}

Keys<std::uint64_t> u64_keys(std::size_t n) {
  std::mt19937_64 rng(42);
  Keys<std::uint64_t> k;
  k.insert.resize(n);
  k.miss.resize(n);
  for (auto& x : k.insert) {
    x = rng();
  }
  for (auto& x : k.miss) {
    x = rng();
  }
  k.lookup = k.insert;
  std::shuffle(k.lookup.begin(), k.lookup.end(), rng);
  return k;
}

Keys<std::string> string_keys(std::size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::mt19937_64 rng(43);
  auto make = [&] {
    std::string s(24, ' ');
    for (char& c : s) {
      c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
    }
    return s;
  };
  Keys<std::string> k;
  for (std::size_t i = 0; i < n; ++i) {
    k.insert.push_back(make());
    k.miss.push_back(make());
  }
  k.lookup = k.insert;
  std::shuffle(k.lookup.begin(), k.lookup.end(), rng);
  return k;
}

struct Goal {
  const char* workload;
  const char* metric;
  const char* against;  // "" = absolute
  double limit;         // ours / against ≤ limit, or ours ≤ limit
  const char* text;
};

constexpr Goal kGoals[] = {
    {"u64", "max_ns", "", 200'000, "worst single insert <= 200 us"},
    {"u64", "p99.99_ns", "", 2'000, "p99.99 insert <= 2 us"},
    {"u64", "insert_ns", "absl::flat_hash_map", 1.4, "insert <= 1.4x absl"},
    {"u64", "hit_ns", "absl::flat_hash_map", 1.15, "hit <= 1.15x absl"},
    {"u64", "miss_ns", "absl::flat_hash_map", 1.25, "miss <= 1.25x absl"},
    {"u64", "erase_ns", "absl::flat_hash_map", 1.25, "erase <= 1.25x absl"},
    {"u64", "bytes_per_entry", "", 32, "<= 32 bytes per entry"},
    {"u64", "growth_resident_peak_ratio", "", 1.5, "resident peak during growth <= 1.5x after"},
    {"string", "insert_ns", "absl::flat_hash_map", 1.4, "insert <= 1.4x absl"},
    {"string", "hit_ns", "absl::flat_hash_map", 1.15, "hit <= 1.15x absl"},
    {"string", "miss_ns", "absl::flat_hash_map", 1.25, "miss <= 1.25x absl"},
    {"string", "erase_ns", "absl::flat_hash_map", 1.25, "erase <= 1.25x absl"},
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t u64_count = 10'000'000;
  std::size_t string_count = 1'000'000;
  int runs = 5;
  std::string json_path = "cache_bench.json";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "cache_bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--short") {
      u64_count = 1'000'000;
      string_count = 200'000;
      runs = 1;
    } else if (arg == "--runs") {
      runs = std::stoi(value());
    } else if (arg == "--u64") {
      u64_count = std::stoul(value());
    } else if (arg == "--strings") {
      string_count = std::stoul(value());
    } else if (arg == "--json") {
      json_path = value();
    } else {
      std::fprintf(stderr,
                   "usage: cache_bench [--short] [--runs N] [--u64 N] [--strings N] [--json FILE]\n"
                   "  --short  1M u64 keys, 200k strings, 1 run (under ten seconds here)\n");
      return arg == "--help" ? 0 : 2;
    }
  }

  const double tsc_ns = tsc_per_ns();
  std::fprintf(stderr, "cache_bench: %zu u64 keys, %zu 24-char string keys, %d runs, TSC %.3f GHz\n", u64_count,
               string_count, runs, tsc_ns);
  std::map<std::string, std::map<std::string, Series>> results;
  {
    const auto keys = u64_keys(u64_count);
    results["u64"] = run_workload(keys, runs, tsc_ns, "u64");
  }
  {
    const auto keys = string_keys(string_count);
    results["string"] = run_workload(keys, runs, tsc_ns, "string");
  }

  nlohmann::json json;
  // The goals are defined for 10M u64 keys and 1M strings over 5 runs: a smaller or shorter
  // run (--short) is measured all the same, but cannot judge them.
  const bool judges_goals = u64_count >= 10'000'000 && string_count >= 1'000'000 && runs >= 5;
  json["judges_goals"] = judges_goals;
  json["config"] = {{"u64_keys", u64_count},
                    {"string_keys", string_count},
                    {"runs", runs},
                    {"summary", "median over runs; max_ns is the minimum over runs of each run's maximum"}};
  for (const auto& [workload, by_container] : results) {
    std::printf("\n%s keys (%zu)\n", workload.c_str(), workload == "u64" ? u64_count : string_count);
    std::printf("%-28s %16s %20s %20s %10s %10s\n", "metric", "IncrementalMap", "absl::flat_hash_map",
                "std::unordered_map", "vs absl", "vs std");
    for (const auto& [metric, member] : kMetrics) {
      const double ours = by_container.at(kContainers[0]).summary(metric);
      const double absl_v = by_container.at(kContainers[1]).summary(metric);
      const double std_v = by_container.at(kContainers[2]).summary(metric);
      std::printf("%-28s %16.2f %20.2f %20.2f %9.2fx %9.2fx\n", metric, ours, absl_v, std_v,
                  absl_v == 0 ? 0 : ours / absl_v, std_v == 0 ? 0 : ours / std_v);
      for (const char* c : kContainers) {
        json["results"][workload][c][metric] = {{"summary", by_container.at(c).summary(metric)},
                                                {"runs", by_container.at(c).by_metric.at(metric)}};
      }
    }
  }

  std::printf("\ngoals (issue #2)%s\n",
              judges_goals ? "" : ": defined for 10M u64 / 1M strings over 5 runs; this run is only indicative");
  int missed = 0;
  for (const Goal& g : kGoals) {
    const auto& by_container = results.at(g.workload);
    const double ours = by_container.at(kContainers[0]).summary(g.metric);
    const double value = *g.against == '\0' ? ours : ours / by_container.at(g.against).summary(g.metric);
    const bool met = value <= g.limit;
    missed += met ? 0 : 1;
    std::printf("  %-6s %-44s %12.3f  %s\n", g.workload, g.text, value, met ? "met" : "MISSED");
    json["goals"].push_back({{"workload", g.workload}, {"goal", g.text}, {"value", value}, {"met", met}});
  }
  for (const char* metric : {"insert_ns", "hit_ns", "miss_ns", "erase_ns"}) {
    for (const char* workload : {"u64", "string"}) {
      const auto& by_container = results.at(workload);
      const double ratio =
          by_container.at(kContainers[0]).summary(metric) / by_container.at(kContainers[2]).summary(metric);
      const bool met = ratio < 1.0;
      missed += met ? 0 : 1;
      std::printf("  %-6s %-44s %12.3f  %s\n", workload,
                  (std::string(metric) + " faster than std::unordered_map").c_str(), ratio, met ? "met" : "MISSED");
      json["goals"].push_back({{"workload", workload},
                               {"goal", std::string(metric) + " < std::unordered_map"},
                               {"value", ratio},
                               {"met", met}});
    }
  }
  std::ofstream(json_path) << json.dump(2) << "\n";
  std::printf("\n%d goal(s) %s; figures in %s\n", missed, judges_goals ? "missed" : "would be missed at this size",
              json_path.c_str());
  return 0;
}
